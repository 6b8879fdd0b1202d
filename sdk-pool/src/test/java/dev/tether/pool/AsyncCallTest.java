package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** callAsync: virtual threads when the JVM has them (21+), a bounded pool otherwise; errors arrive typed. */
class AsyncCallTest {

    @Test
    void asyncCallsRunOnVirtualThreadsWhenTheJvmHasThem() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(client.callAsync("echo " + i));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(futures.get(i).get()).isEqualTo(String.valueOf(i));
            }
            boolean jvmHasVirtualThreads = Runtime.version().feature() >= 21;
            assertThat(ManualClients.core(client).asyncOnVirtualThreads()).isEqualTo(jvmHasVirtualThreads);
            assertThat(client.stats().get(server.endpoint()).created()).isLessThanOrEqualTo(16);
        }
    }

    @Test
    void anAsyncFailureCompletesTheFutureWithTheTypedException() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            server.nextFaults(FaultyServer.Fault.EXECUTE_THEN_DROP);
            CompletableFuture<String> f = client.callAsync("do async", CallOptions.timeout(Duration.ofSeconds(5)));
            assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(dev.tether.core.ConnectionClosedException.class);
        }
    }

    @Test
    void anExecutorThatRejectsTheCallCompletesTheFutureWithATypedException() throws Exception {
        java.util.concurrent.ExecutorService shutDown = java.util.concurrent.Executors.newSingleThreadExecutor();
        shutDown.shutdown();
        try (dev.tether.pool.testing.FaultyServer server = dev.tether.pool.testing.FaultyServer.start();
             TetherClient<String, String> client = dev.tether.pool.testing.Clients.forServer(server)
                     .asyncExecutor(shutDown).build()) {
            java.util.concurrent.CompletableFuture<String> f = client.callAsync("echo x");
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(f::join).getCause();
            org.assertj.core.api.Assertions.assertThat(failure).isInstanceOf(CallRejectedException.class)
                    .hasCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
            CallRejectedException e = (CallRejectedException) failure;
            org.assertj.core.api.Assertions.assertThat(e.requestState()).isEqualTo(dev.tether.core.RequestState.NOT_SENT);
            org.assertj.core.api.Assertions.assertThat(e.isRetryable()).isFalse();
            // The rejected call left nothing behind: a synchronous call still works and the client closes cleanly.
            org.assertj.core.api.Assertions.assertThat(client.call("echo y")).isEqualTo("y");
        }
    }
}
