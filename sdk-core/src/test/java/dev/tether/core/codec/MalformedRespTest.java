package dev.tether.core.codec;

import static dev.tether.core.codec.StreamFeeder.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes that are not RESP2: each is a protocol violation saying what was expected and what was found. */
class MalformedRespTest {
    private final RespCodec codec = RespCodec.create();

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unknown type byte", "?what\r\n",
                        "expected a RESP type byte ('+', '-', ':', '$' or '*') but found '?' at offset 0"),
                Arguments.of("inline command", "PING\r\n", "but found 'P' at offset 0"),
                Arguments.of("type byte inside an array", "*2\r\n:1\r\nx\r\n", "but found 'x' at offset 8"),
                Arguments.of("CR without LF after a simple string", "+OK\rX", "expected LF after CR ending a simple string but found 'X' at offset 4"),
                Arguments.of("bare LF ending a simple string", "+OK\n", "found a bare '\\n' at offset 3"),
                Arguments.of("non-numeric integer", ":12a\r\n", "expected a digit or CR in the integer but found 'a' at offset 3"),
                Arguments.of("empty integer", ":\r\n", "expected a digit or '-' in the integer but found '\\r' at offset 1"),
                Arguments.of("sign without digits", ":-\r\n", "expected a digit in the integer but found '\\r' at offset 2"),
                Arguments.of("integer overflow", ":9223372036854775808\r\n", "to fit a signed 64-bit integer"),
                Arguments.of("too many digits", ":00000000000000000000001\r\n", "at most 19 digits"),
                Arguments.of("non-numeric bulk length", "$x\r\n", "expected a digit or '-' in the bulk string length but found 'x' at offset 1"),
                Arguments.of("plus sign in a length", "$+3\r\nabc\r\n", "but found '+' at offset 1"),
                Arguments.of("negative bulk length", "$-2\r\n", "expected a bulk string length of -1 (null) or at least 0 but found -2"),
                Arguments.of("negative array length", "*-5\r\n", "expected an array length of -1 (null) or at least 0 but found -5"),
                Arguments.of("CR without LF after a length", "$3\rabc", "expected LF after CR in the bulk string length but found 'a'"),
                Arguments.of("bulk longer than announced", "$3\r\nabcd\r\n", "expected CRLF after a bulk string of 3 bytes but found \"d\\r\" at offset 7"),
                Arguments.of("bulk shorter than announced", "$5\r\nabc\r\nxy", "expected CRLF after a bulk string of 5 bytes but found \"xy\" at offset 9"),
                Arguments.of("space in a length", "*1 \r\n", "expected a digit or CR in the array length but found ' ' at offset 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isAProtocolViolationNamingExpectedAndFound(String name, String wire, String message) {
        assertThatThrownBy(() -> codec.decode(ascii(wire)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageStartingWith("RESP: ")
                .hasMessageContaining(message);
        // A resumable decoder reports it the same way, also when the bytes trickle in.
        assertThatThrownBy(() -> StreamFeeder.feed(codec.newDecoder(), ascii(wire).array(), 1))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining(message);
    }

    @Test
    void violationIsNotRetryable() {
        assertThatThrownBy(() -> codec.decode(ascii("!\r\n")))
                .isInstanceOfSatisfying(ProtocolViolationException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void decoderStartsAfreshAfterAViolation() throws Exception {
        FrameDecoder<RespValue> decoder = codec.newDecoder();
        assertThat(decoder.decode(ascii("*3\r\n:1\r\n"))).isNull();
        assertThatThrownBy(() -> decoder.decode(ascii("*3\r\n:1\r\n?"))).isInstanceOf(ProtocolViolationException.class);
        assertThat(decoder.decode(ascii(":5\r\n"))).isEqualTo(RespValue.integer(5));
    }
}
