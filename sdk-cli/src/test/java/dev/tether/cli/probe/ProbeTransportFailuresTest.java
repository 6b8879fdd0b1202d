package dev.tether.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.core.testing.ScriptedPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * Peers that fail below TLS: a port where nothing listens, one that accepts and then stays silent, a
 * plaintext service answering in its own protocol, and one that hangs up at once. Each has its exit code.
 */
class ProbeTransportFailuresTest {
    @Test
    void aRefusedPortExitsWith3() throws Exception {
        int port;
        try (ServerSocketChannel free = ServerSocketChannel.open()) {
            free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) free.getLocalAddress()).getPort();
        }
        Cli.Result r = Cli.run("probe", "127.0.0.1:" + port, "--timeout", "5s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("cannot connect (exit 3)").contains("it was refused")
                .contains("that the server is running");
    }

    @Test
    void anUnknownHostExitsWith3() {
        Cli.Result r = Cli.run("probe", "no-such-host.invalid:443", "--timeout", "5s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("'no-such-host.invalid' does not resolve");
    }

    @Test
    void aPeerThatAcceptsButNeverAnswersExitsWith4() throws Exception {
        try (ScriptedPeer silent = ScriptedPeer.start(ScriptedPeer.script())) {
            Cli.Result r = Cli.run("probe", silent.endpoint().toString(), "--timeout", "500ms");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
            assertThat(r.out()).contains("timed out (exit 4)")
                    .contains("accepted the TCP connection but did not complete a TLS handshake within 500ms")
                    .contains("--timeout");
        }
    }

    @Test
    void aPlaintextServiceExitsWith10AndShowsWhatItSaid() throws Exception {
        try (ScriptedPeer http = ScriptedPeer.start(ScriptedPeer.script()
                .send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").awaitEof())) {
            Cli.Result r = Cli.run("probe", http.endpoint().toString(), "--timeout", "5s", "--verbose");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(10);
            assertThat(r.out()).contains("peer does not speak TLS (exit 10)")
                    .contains("does not speak TLS: it answered with something else ('HTTP/1.1 400 Bad Request")
                    .contains("connect to it without TLS").contains("detail:");
        }
    }

    @Test
    void aPeerThatHangsUpDuringTheHandshakeExitsWith11() throws Exception {
        try (ScriptedPeer rude = ScriptedPeer.start(ScriptedPeer.script().read(5).close())) {
            Cli.Result r = Cli.run("probe", rude.endpoint().toString(), "--timeout", "5s");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(11);
            assertThat(r.out()).contains("TLS handshake failed (exit 11)")
                    .contains("closed the connection during the TLS handshake");
        }
    }
}
