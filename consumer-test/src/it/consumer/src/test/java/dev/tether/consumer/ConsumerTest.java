package dev.tether.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.pool.TetherClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs twice (see the POM): as the named module dev.tether.consumer and on the class path. Either way a
 * mutual-TLS call must work with only what the BOM and sdk-pool's POM bring, and nothing more.
 */
class ConsumerTest {
    private static final boolean NAMED = Boolean.getBoolean("expectNamedModule");

    @Test
    void mutualTlsCallWorks() throws Exception {
        MutualTlsCall.Result result = MutualTlsCall.run("hello from a consumer");
        assertEquals("hello from a consumer", result.reply());
        assertEquals("CN=consumer-client", result.clientSubject());
    }

    @Test
    void runsTheWayThisExecutionSays() {
        assertEquals(NAMED, MutualTlsCall.class.getModule().isNamed(), "consumer module named");
        Module pool = TetherClient.class.getModule();
        assertEquals(NAMED, pool.isNamed(), "dev.tether.pool named");
        if (NAMED) {
            assertEquals("dev.tether.pool", pool.getName());
            assertFalse(pool.getDescriptor().isAutomatic(), "sdk-pool has a module-info, not an automatic name");
            assertTrue(pool.isExported("dev.tether.pool"));
            assertFalse(pool.isExported("dev.tether.pool.internal"), "internals stay inside the module");
            Module tls = pool.getLayer().findModule("dev.tether.tls").orElseThrow();
            assertFalse(tls.isExported("dev.tether.tls.internal"));
            // Micrometer is optional: a consumer without it resolves without it.
            assertTrue(pool.getLayer().findModule("micrometer.core").isEmpty(), "micrometer.core was resolved");
            // An internal class exists but is not accessible to a consumer module.
            assertThrows(IllegalAccessException.class, () -> Class.forName("dev.tether.pool.internal.ClientCore")
                    .getDeclaredConstructors()[0].newInstance());
        }
    }

    /**
     * What sdk-pool's POM puts on a consumer's runtime class path: what Tether needs to run (a missing one would
     * also fail the call above), no test library leaked from Tether's build, and nothing optional.
     */
    @Test
    void runtimeDependenciesAreExactlyWhatTetherNeeds() throws Exception {
        List<String> deps = Files.readAllLines(Path.of(System.getProperty("runtimeDependencies"))).stream()
                .map(String::trim).filter(l -> l.matches("[\\w.\\-]+:[\\w.\\-]+:.*")).collect(Collectors.toList());
        String all = String.join("\n", deps);
        for (String needed : List.of("dev.tether:sdk-pool:", "dev.tether:sdk-tls:", "dev.tether:sdk-core:",
                "org.apache.commons:commons-pool2:", "io.github.resilience4j:resilience4j-retry:",
                "io.github.resilience4j:resilience4j-circuitbreaker:", "org.bouncycastle:bcpkix-jdk18on:",
                "org.slf4j:slf4j-api:", "org.hdrhistogram:HdrHistogram:")) {
            assertTrue(all.contains(needed), "missing at run time: " + needed + " in\n" + all);
        }
        for (String leaked : List.of("org.junit", "org.assertj", "org.awaitility", "org.slf4j:slf4j-simple",
                "org.testcontainers", "org.openjdk.jmh", "io.micrometer", "info.picocli", ":test-jar:",
                ":tests:")) {
            assertFalse(all.contains(leaked), "must not reach a consumer's runtime: " + leaked + " in\n" + all);
        }
    }
}
