package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Small helpers for talking to echo servers in tests. */
final class Echo {
    private Echo() {
    }

    /** Writes {@code text} and reads back the same number of bytes. */
    static String roundTrip(Connection c, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        c.write(ByteBuffer.wrap(bytes), Deadline.after(Duration.ofSeconds(5)));
        ByteBuffer in = ByteBuffer.allocate(bytes.length);
        while (in.hasRemaining()) {
            int n = c.read(in, Deadline.after(Duration.ofSeconds(5)));
            assertThat(n).as("echo ended early").isPositive();
        }
        return new String(in.array(), StandardCharsets.UTF_8);
    }

    /**
     * Reads one ASCII line byte by byte, so nothing after the newline is consumed (the tests interleave lines
     * with TLS control messages and must not read past them).
     */
    static String readLine(Connection c) throws Exception {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder sb = new StringBuilder();
        while (true) {
            one.clear();
            assertThat(c.read(one, Deadline.after(Duration.ofSeconds(5)))).isEqualTo(1);
            char ch = (char) one.get(0);
            if (ch == '\n') {
                return sb.toString();
            }
            sb.append(ch);
        }
    }
}
