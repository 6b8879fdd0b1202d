package dev.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code tether.clients.<name>.pool.pipeline-depth} reaches the client built from it, and its pipelining shows in
 * the {@code tether.pool.pipeline.*} meters the starter binds: concurrent calls over TLS (a Spring SSL bundle,
 * hostname verification on) against Tether's TLS echo server, which reads pipelined requests and answers in order.
 * A second client in the same context keeps the default depth and shares nothing. (Bad values are in
 * {@link TetherStarterValidationTest}.)
 */
class TetherStarterPipeliningTest {
    private static final int CALLERS = 8;
    private static final int CALLS_EACH = 25;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TetherAutoConfiguration.class,
                    TetherMetricsAutoConfiguration.class, TetherHealthAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void pipelineDepthReachesTheClientAndShowsInThePipelineMeters() {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            String endpoints = "localhost:" + server.endpoint().port();
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.orders.endpoints=" + endpoints,
                    "tether.clients.orders.codec=line",
                    "tether.clients.orders.ssl.bundle=echo-ca",
                    // Pipelining is opt-in, and it is what this test is about.
                    "tether.clients.orders.pool.pipeline-depth=8",
                    // Bound only, to show the property binds: these requests are far below either value.
                    "tether.clients.orders.pool.pipeline-max-queued-bytes=65536",
                    "tether.clients.plain.endpoints=" + endpoints,
                    "tether.clients.plain.codec=line",
                    "tether.clients.plain.ssl.bundle=echo-ca")
                    .withBean(SimpleMeterRegistry.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        Endpoint endpoint = server.localhostEndpoint();
                        TetherClient<String, String> orders = lineClient(context.getBean("orders", TetherClient.class));
                        TetherClient<String, String> plain = lineClient(context.getBean("plain", TetherClient.class));
                        for (String client : List.of("orders", "plain")) {
                            assertThat(gauge(registry, "tether.pool.pipeline.shared", client, endpoint)).isZero();
                            assertThat(gauge(registry, "tether.pool.pipeline.in_flight", client, endpoint)).isZero();
                            assertThat(counter(registry, "tether.pool.pipeline.writes", client, endpoint)).isZero();
                            assertThat(counter(registry, "tether.pool.pipeline.requests", client, endpoint)).isZero();
                        }

                        callConcurrently(orders);
                        callConcurrently(plain);

                        // With a depth above 1 every call goes over a shared connection, batched or not.
                        EndpointStats s = orders.stats().get(endpoint);
                        double writes = counter(registry, "tether.pool.pipeline.writes", "orders", endpoint);
                        double requests = counter(registry, "tether.pool.pipeline.requests", "orders", endpoint);
                        assertThat(requests).isEqualTo(s.pipelinedRequests()).isEqualTo(CALLERS * CALLS_EACH);
                        assertThat(writes).isEqualTo(s.pipelineWrites()).isPositive().isLessThanOrEqualTo(requests);
                        // A shared connection goes back to the pool once its last reply is read, just before that
                        // caller returns: awaited, not assumed.
                        await().atMost(Duration.ofSeconds(30)).until(
                                () -> gauge(registry, "tether.pool.pipeline.shared", "orders", endpoint) == 0.0);
                        assertThat(gauge(registry, "tether.pool.pipeline.in_flight", "orders", endpoint)).isZero();

                        // The default depth (1): the same calls, nothing shared, and the meters say so.
                        assertThat(counter(registry, "tether.pool.pipeline.writes", "plain", endpoint)).isZero();
                        assertThat(counter(registry, "tether.pool.pipeline.requests", "plain", endpoint)).isZero();
                        assertThat(plain.stats().get(endpoint).acquires()).isEqualTo(CALLERS * CALLS_EACH);
                    });
        }
    }

    /** {@link #CALLERS} threads, each making {@link #CALLS_EACH} calls at once with the others. */
    private static void callConcurrently(TetherClient<String, String> client) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                runs.add(callers.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < CALLS_EACH; i++) {
                        String request = "caller " + caller + " call " + i;
                        String reply = client.call(request);
                        if (!reply.equals(request)) {
                            wrong.add(request + " got " + reply);
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<List<String>> run : runs) {
                assertThat(run.get(2, TimeUnit.MINUTES)).isEmpty();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static TetherClient<String, String> lineClient(TetherClient<?, ?> client) {
        return (TetherClient<String, String>) client;
    }

    private static double gauge(MeterRegistry registry, String name, String client, Endpoint endpoint) {
        return registry.get(name).tags("client", client, "endpoint", endpoint.toString()).gauge().value();
    }

    private static double counter(MeterRegistry registry, String name, String client, Endpoint endpoint) {
        return registry.get(name).tags("client", client, "endpoint", endpoint.toString()).functionCounter().count();
    }
}
