package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.testing.DeadlineStress;
import dev.tether.core.testing.TrickleServer;
import dev.tether.tls.testing.CertSet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over TLS too, a reply still trickling in (one small record at a time) when the deadline passes ends the call
 * with a read timeout every time, never with "connection closed locally" from the watchdog's close racing the
 * transport read underneath the TLS layer.
 */
class TrickledTlsReplyDeadlineTest {
    private static final int TRIES = 1_000;
    private static final int PARALLEL = 8;
    /** Short, so a thousand tries take seconds; still above the watchdog's 10 ms tick. */
    private static final Duration DEADLINE = Duration.ofMillis(25);
    /**
     * A one-byte record every ~500 microseconds: often enough that the deadline regularly fires while a read is
     * returning a record, sparse enough that encrypting and decrypting them does not load the machine.
     */
    private static final Duration TRICKLE = Duration.ofNanos(500_000);

    @TempDir
    Path dir;

    @Test
    void everyTrickledTlsReplyPastItsDeadlineIsAReadTimeout() throws Exception {
        CertSet certs = CertSet.create(dir);
        TlsAcceptor acceptor = new TlsAcceptor(certs.serverConfig().build());
        try (TrickleServer server = TrickleServer.start(c -> acceptor.accept(c, Deadline.after(Duration.ofSeconds(10))),
                TRICKLE)) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.clientConfig().build());
            Endpoint endpoint = Endpoint.of("localhost", server.endpoint().port());

            DeadlineStress.Tally tally = DeadlineStress.run(connector, endpoint, TRIES, PARALLEL, DEADLINE);

            assertThat(tally.count(DeadlineStress.READ_TIMEOUT)).as("outcomes: %s", tally).isEqualTo(TRIES);
        }
    }
}
