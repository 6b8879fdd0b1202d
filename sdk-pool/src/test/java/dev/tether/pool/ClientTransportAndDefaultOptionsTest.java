package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.TransportOptions;
import dev.tether.core.testing.AcceptQueue;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link TetherClient.Builder#transport} and {@link TetherClient.Builder#defaultCallOptions} promise: the
 * transport's connect timeout bounds each connect within a longer call deadline; reads are bounded by the call's
 * deadline, not by the transport's read timeout; calls and leases made without options take the defaults given
 * (their timeout and their idempotency).
 */
class ClientTransportAndDefaultOptionsTest {

    @Test
    void theTransportsConnectTimeoutIsTheLimitThatFires() throws Exception {
        try (ServerSocketChannel neverAccepts = ServerSocketChannel.open()) {
            neverAccepts.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            Endpoint endpoint = Endpoint.of("127.0.0.1", ((InetSocketAddress) neverAccepts.getLocalAddress()).getPort());
            // Its accept queue full, the listener drops SYNs: connects hang as to an unroutable address.
            List<Connection> queued = AcceptQueue.fill(endpoint);
            try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(endpoint)
                    .transport(TransportOptions.builder().connectTimeout(Duration.ofMillis(300)).build()).build()) {
                TetherException e = catchThrowableOfType(TetherException.class,
                        () -> client.call("echo never", CallOptions.timeout(Duration.ofSeconds(5))));
                assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
                // The call waited its 5 s for the endpoint (wait for ready) and says so; every connect attempt
                // behind that (the cause, and any earlier ones attached) ended at the transport's 300 ms, not at
                // the call's 5 s deadline nor the 10 s default.
                assertThat(e).isInstanceOf(EndpointUnavailableException.class);
                List<TimedOutException> connectTimeouts = connectTimeouts(e).stream()
                        .filter(t -> !(t instanceof EndpointUnavailableException)).toList();
                assertThat(connectTimeouts).isNotEmpty()
                        .allSatisfy(t -> assertThat(t.timeout()).isEqualTo(Duration.ofMillis(300)));
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }

    /**
     * Documented on {@link TetherClient.Builder#transport}: the call's deadline bounds a pooled connection's reads,
     * so a read timeout shorter than a slow reply does not cut a call that has time left.
     */
    @Test
    void theCallsDeadlineNotTheTransportsReadTimeoutBoundsAReply() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .transport(TransportOptions.builder().readTimeout(Duration.ofMillis(50)).build())
                     .retry(RetrySettings.none()) // a retry would hide a cut read; this call must succeed on its one try
                     .build()) {
            server.replyDelay(Duration.ofMillis(500));
            assertThat(client.call("echo slow", CallOptions.timeout(Duration.ofSeconds(30)))).isEqualTo("slow");
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    @Test
    void callsAndLeasesWithoutOptionsUseTheDefaultTimeout() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .defaultCallOptions(CallOptions.timeout(Duration.ofMillis(300))).build()) {
            assertThat(client.call("echo up")).isEqualTo("up");
            server.stall(true);
            TimedOutException call = catchThrowableOfType(TimedOutException.class, () -> client.call("echo lost"));
            // The budget the call had is the default given, not CallOptions' own 10 s.
            assertThat(call.timeout()).isEqualTo(Duration.ofMillis(300));

            try (Lease<String, String> lease = client.lease()) {
                TimedOutException exchange = catchThrowableOfType(TimedOutException.class, () -> lease.exchange("echo lost"));
                assertThat(exchange.timeout()).isEqualTo(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void callsWithoutOptionsAreRetriedWhenTheDefaultsSayIdempotent() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> idempotent = Clients.forServer(server)
                     .defaultCallOptions(CallOptions.defaults().idempotent()).build();
             TetherClient<String, String> plain = Clients.forServer(server).build()) {
            server.nextFaults(FaultyServer.Fault.DROP);
            assertThat(idempotent.call("echo again")).isEqualTo("again");
            assertThat(server.requests()).isEqualTo(2);

            // The same fault with the built-in defaults (not idempotent): the request may have arrived, no retry.
            server.nextFaults(FaultyServer.Fault.DROP);
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class, () -> plain.call("echo once"));
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(server.requests()).isEqualTo(3);
        }
    }

    /** The TimedOutException(CONNECT)s in a failure, its causes and the earlier attempts attached to it. */
    private static List<TimedOutException> connectTimeouts(Throwable failure) {
        List<TimedOutException> found = new ArrayList<>();
        collect(failure, found, 0);
        return found;
    }

    private static void collect(Throwable t, List<TimedOutException> found, int depth) {
        if (t == null || depth > 10) {
            return;
        }
        if (t instanceof TimedOutException timedOut && timedOut.phase() == TimedOutException.Phase.CONNECT) {
            found.add(timedOut);
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, found, depth + 1);
        }
        collect(t.getCause(), found, depth + 1);
    }
}
