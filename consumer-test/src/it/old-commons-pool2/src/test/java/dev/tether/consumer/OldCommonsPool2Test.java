package dev.tether.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.TetherClient;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.junit.jupiter.api.Test;

/** commons-pool2 2.12.0 wins dependency mediation here: Tether refuses to build a client, and says why. */
class OldCommonsPool2Test {

    @Test
    void buildingAClientNamesTheVersionFoundTheOneNeededAndTheFix() {
        assertEquals("2.12.0", GenericKeyedObjectPool.class.getPackage().getImplementationVersion(),
                "this project must really run on the old commons-pool2");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TetherClient.builder(LineCodec.create()).endpoint("127.0.0.1:7").build());
        String m = e.getMessage();
        assertTrue(m.contains("org.apache.commons:commons-pool2 2.12.0 is on the class path"), m);
        assertTrue(m.contains("needs 2.13.0 or newer"), m);
        assertTrue(m.contains("pin org.apache.commons:commons-pool2 to 2.13.0 or newer"), m);
    }
}
