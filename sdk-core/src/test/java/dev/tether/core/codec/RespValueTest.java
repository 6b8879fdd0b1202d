package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building RESP values and reading replies without casts. */
class RespValueTest {

    @Test
    void accessorsReadEachTypeNaturally() {
        assertThat(RespValue.simple("OK").asString()).isEqualTo("OK");
        assertThat(RespValue.bulk("héllo").asString()).isEqualTo("héllo");
        assertThat(RespValue.bulk("héllo").asBytes()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(RespValue.integer(42).asLong()).isEqualTo(42);
        assertThat(RespValue.integer(42).asString()).isEqualTo("42");
        assertThat(RespValue.bulk("17").asLong()).as("counters often come back as bulk strings").isEqualTo(17);
        assertThat(RespValue.command("GET", "k").asList()).extracting(RespValue::asString).containsExactly("GET", "k");
        assertThat(RespValue.command("GET", "k").get(1)).isEqualTo(RespValue.bulk("k"));
        assertThat(RespValue.command("GET", "k").size()).isEqualTo(2);
    }

    @Test
    void nullsReadAsJavaNull() {
        assertThat(RespValue.nullBulk().asString()).isNull();
        assertThat(RespValue.nullBulk().asBytes()).isNull();
        assertThat(RespValue.nullBulk().length()).isEqualTo(-1);
        assertThat(RespValue.nullArray().asList()).isNull();
        assertThat(RespValue.nullArray().size()).isEqualTo(-1);
        assertThatThrownBy(() -> RespValue.nullBulk().asLong())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("null bulk string");
    }

    @Test
    void readingAnErrorAsAValueQuotesTheError() {
        RespValue error = RespValue.error("WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThatThrownBy(error::asString)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("expected a string but Redis replied with an error: "
                        + "WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThatThrownBy(error::asLong).hasMessageContaining("expected an integer");
        assertThat(((RespValue.SimpleError) error).code()).isEqualTo("WRONGTYPE");
    }

    @Test
    void readingTheWrongTypeSaysWhatItIs() {
        assertThatThrownBy(() -> RespValue.integer(1).asList()).hasMessage("expected an array but the reply is :1");
        assertThatThrownBy(() -> RespValue.array().asString()).hasMessage("expected a string but the reply is *0[]");
        assertThatThrownBy(() -> RespValue.bulk("x1").asLong()).hasMessageContaining("expected an integer");
    }

    @Test
    void bulkStringsCopyTheirBytesInAndOut() {
        byte[] source = {1, 2, 3};
        RespValue.BulkString bulk = RespValue.bulk(source);
        source[0] = 9;
        byte[] out = bulk.asBytes();
        out[1] = 9;
        assertThat(bulk.asBytes()).containsExactly(1, 2, 3);
        assertThat(bulk.content().isReadOnly()).isTrue();
        assertThat(bulk).isEqualTo(RespValue.bulk(new byte[] {1, 2, 3})).hasSameHashCodeAs(RespValue.bulk(new byte[] {1, 2, 3}));
    }

    @Test
    void arraysAreImmutableSnapshots() {
        List<RespValue> elements = new ArrayList<>(List.of(RespValue.integer(1)));
        RespValue.Array array = RespValue.array(elements);
        elements.add(RespValue.integer(2));
        assertThat(array.size()).isEqualTo(1);
        assertThatThrownBy(() -> array.asList().add(RespValue.integer(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> RespValue.array(RespValue.integer(1), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void simpleStringsAndErrorsRejectLineBreaks() {
        assertThatThrownBy(() -> RespValue.simple("a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("simple string must not contain CR or LF (use a bulk string)");
        assertThatThrownBy(() -> RespValue.error("bad\n")).hasMessageContaining("error message must not contain CR or LF");
    }

    @Test
    void commandNeedsAName() {
        assertThatThrownBy(() -> RespValue.command(new String[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(RespValue.command(new byte[] {'G', 'E', 'T'}, new byte[] {0, '\r'}).get(1).asBytes())
                .containsExactly(0, '\r');
    }

    @Test
    void toStringShowsAtMost64BytesOfABulkString() {
        assertThat(RespValue.bulk("a\r\nb").toString()).isEqualTo("$4 \"a\\r\\nb\"");
        String shown = RespValue.bulk("x".repeat(1000)).toString();
        assertThat(shown).startsWith("$1000 \"").endsWith("\"...").hasSize("$1000 \"".length() + 64 + 4);
        assertThat(RespValue.nullBulk()).hasToString("$-1(null)");
        assertThat(RespValue.command("PING")).hasToString("*1[$4 \"PING\"]");
    }

    @Test
    void typesCarryTheirWireMarkers() {
        assertThat(RespValue.simple("x").type().marker()).isEqualTo('+');
        assertThat(RespValue.error("x").type().marker()).isEqualTo('-');
        assertThat(RespValue.integer(1).type().marker()).isEqualTo(':');
        assertThat(RespValue.nullBulk().type().marker()).isEqualTo('$');
        assertThat(RespValue.nullArray().type().marker()).isEqualTo('*');
    }
}
