package dev.tether.pool;

import dev.tether.core.Connector;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.KeepAlivePing;
import dev.tether.pool.internal.ClientCore;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsMaterialSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A pooled, retrying, keep-alive client for one request/response protocol (given by a {@link Codec}) to one
 * or more endpoints. Thread-safe: share one per service and close it on shutdown.
 *
 * <pre>{@code
 * try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
 *         .endpoint("127.0.0.1:7000")
 *         .build()) {
 *     String reply = client.call("hello");
 *     String again = client.call("get user:1", CallOptions.timeout(Duration.ofSeconds(2)).idempotent());
 * }
 * }</pre>
 *
 * <p>A call takes a pooled connection (opening one when none is idle), sends the request, reads the response
 * and gives the connection back; a connection that saw any failure is destroyed instead. Failures are retried
 * under {@link RetrySettings}' rules, endpoints that cannot be reached are reconnected to on a shared backoff
 * ({@link ReconnectSettings}) while calls wait for one to come back, endpoints that keep failing calls are
 * avoided under {@link CircuitBreakerSettings} (never all of them), and every call ends by its
 * {@link CallOptions} deadline.
 *
 * @param <Req> what a caller sends
 * @param <Resp> what comes back
 */
public interface TetherClient<Req, Resp> extends AutoCloseable {

    /** A builder for a client speaking {@code codec}. */
    static <Req, Resp> Builder<Req, Resp> builder(Codec<Req, Resp> codec) {
        return new Builder<>(codec);
    }

    /** Sends {@code request} with the client's default call options and returns the response. */
    Resp call(Req request) throws TetherException;

    /**
     * Sends {@code request} and returns the response, within {@code options}' deadline.
     *
     * @throws TetherException typed by cause; its {@link TetherException#requestState()} tells whether the
     *         request may have reached the server
     */
    Resp call(Req request, CallOptions options) throws TetherException;

    /** {@link #call(Object)} on another thread (a virtual thread when the JVM has them). */
    CompletableFuture<Resp> callAsync(Req request);

    /** {@link #call(Object, CallOptions)} on another thread; the deadline runs from this method's call. */
    CompletableFuture<Resp> callAsync(Req request, CallOptions options);

    /** Takes one connection for several exchanges, within the client's default call timeout. */
    Lease<Req, Resp> lease() throws TetherException;

    /** Takes one connection for several exchanges; {@code options}' deadline bounds getting it. */
    Lease<Req, Resp> lease(CallOptions options) throws TetherException;

    /** The endpoints this client balances over now, in the order given (removed ones still draining excluded). */
    List<Endpoint> endpoints();

    /**
     * Replaces the endpoint set. An endpoint in both the old and the new set keeps its connections, breaker and
     * statistics. An added one is warmed to {@link PoolSettings#minIdlePerEndpoint()} in the background and
     * takes its share of calls once warm (at once when there is nothing to warm, or when no other endpoint can
     * take calls). A removed one gets no new calls; calls and leases in flight on it finish (bounded by
     * {@link PoolSettings#drainTimeout()}), and its connections are closed, TLS ones with close_notify, as they
     * come back. With an {@link EndpointSource}, the source's next answer replaces the set again.
     *
     * @throws IllegalArgumentException when {@code endpoints} is empty
     * @throws NullPointerException     when it holds null
     * @throws IllegalStateException    when the client is closed
     */
    void updateEndpoints(java.util.Collection<Endpoint> endpoints);

    /** How the client's {@link EndpointSource} is doing; empty when the client was given fixed endpoints. */
    java.util.Optional<EndpointSourceStatus> endpointSourceStatus();

    /** A snapshot of every endpoint's pool and health, in endpoint order. */
    Map<Endpoint, EndpointStats> stats();

    /**
     * Stops new calls, waits up to {@link PoolSettings#drainTimeout()} for calls and leases in flight, closes
     * every connection (TLS ones with close_notify) and stops the background thread. Idempotent; later calls
     * fail with {@link ClientClosedException}.
     */
    @Override
    void close();

    /**
     * Builds a {@link TetherClient}. Only the codec and at least one endpoint are required; everything else has
     * a safe default.
     */
    final class Builder<Req, Resp> {
        private final Codec<Req, Resp> codec;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<TetherClientListener> listeners = new ArrayList<>();
        private TransportOptions transport = TransportOptions.defaults();
        private TlsMaterialSource tls;
        private Connector connector;
        private PoolSettings pool = PoolSettings.defaults();
        private RetrySettings retry = RetrySettings.defaults();
        private CircuitBreakerSettings breaker = CircuitBreakerSettings.defaults();
        private ReconnectSettings reconnect = ReconnectSettings.defaults();
        private LoadBalancing loadBalancing = LoadBalancing.P2C_EWMA;
        private CallOptions defaultCallOptions = CallOptions.defaults();
        private KeepAlivePing<Req, Resp> keepAlivePing;
        private EndpointSource endpointSource;
        private Executor asyncExecutor;
        private String name = "tether";
        /** The engine's clock; null for the system clock. Package-private: tests in this package drive it by hand. */
        private dev.tether.pool.internal.TimeSource time;

        private Builder(Codec<Req, Resp> codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** Adds an endpoint. */
        public Builder<Req, Resp> endpoint(Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoints.contains(endpoint)) {
                throw new IllegalArgumentException("endpoint given twice: " + endpoint);
            }
            endpoints.add(endpoint);
            return this;
        }

        /** Adds an endpoint written as {@code host:port}, {@code [v6]:port} or {@code unix:/path}. */
        public Builder<Req, Resp> endpoint(String endpoint) {
            return endpoint(Endpoint.parse(endpoint));
        }

        /** Adds several endpoints; calls are balanced over them. */
        public Builder<Req, Resp> endpoints(List<Endpoint> list) {
            list.forEach(this::endpoint);
            return this;
        }

        /**
         * Takes the endpoints from {@code source} instead of a fixed list: asked once by {@link #build()} and then
         * on its refresh interval (see {@link EndpointSource}). If the first answer fails, the client still starts;
         * calls wait for endpoints within their deadline (unless they fail fast) while the source is asked again.
         * Not combined with {@link #endpoint}.
         */
        public Builder<Req, Resp> endpointSource(EndpointSource source) {
            this.endpointSource = Objects.requireNonNull(source, "endpointSource");
            return this;
        }

        /**
         * Socket options (connect timeout, TCP keep-alive, Nagle, buffers); {@link TransportOptions#defaults()} if
         * unset. The connect timeout bounds each connect within the call's deadline. Reads and writes of calls and
         * leases are bounded by the call's deadline ({@link CallOptions}), not by the read and write timeouts, which
         * only apply to a connection read or written without a deadline.
         */
        public Builder<Req, Resp> transport(TransportOptions options) {
            transport = Objects.requireNonNull(options, "transport");
            return this;
        }

        /**
         * TLS for every connection, with fixed material; without it connections are plain TCP. Hostname
         * verification uses each endpoint's {@link Endpoint#tlsName()}.
         */
        public Builder<Req, Resp> tls(TlsConfig config) {
            tls = TlsMaterialSource.of(Objects.requireNonNull(config, "tls"));
            return this;
        }

        /**
         * TLS whose material may change while the client runs (a {@link dev.tether.tls.ReloadingTlsConfig}): new
         * connections use the newest material, and idle connections made with older material are retired.
         */
        public Builder<Req, Resp> tls(TlsMaterialSource source) {
            tls = Objects.requireNonNull(source, "tls");
            return this;
        }

        /**
         * A connector to use instead of the one built from {@link #transport} and {@link #tls(TlsConfig)}: for a custom
         * transport, or to wrap the standard one. {@link #transport} and the TLS settings are then ignored.
         */
        public Builder<Req, Resp> connector(Connector connector) {
            this.connector = Objects.requireNonNull(connector, "connector");
            return this;
        }

        public Builder<Req, Resp> pool(PoolSettings settings) {
            pool = Objects.requireNonNull(settings, "pool");
            return this;
        }

        public Builder<Req, Resp> retry(RetrySettings settings) {
            retry = Objects.requireNonNull(settings, "retry");
            return this;
        }

        public Builder<Req, Resp> circuitBreaker(CircuitBreakerSettings settings) {
            breaker = Objects.requireNonNull(settings, "circuitBreaker");
            return this;
        }

        /** How reconnects to an unreachable endpoint are paced; {@link ReconnectSettings#defaults()} if unset. */
        public Builder<Req, Resp> reconnect(ReconnectSettings settings) {
            reconnect = Objects.requireNonNull(settings, "reconnect");
            return this;
        }

        /** How calls are spread over several endpoints; {@link LoadBalancing#P2C_EWMA} by default. */
        public Builder<Req, Resp> loadBalancing(LoadBalancing strategy) {
            loadBalancing = Objects.requireNonNull(strategy, "loadBalancing");
            return this;
        }

        /** Options for calls and leases made without any; {@link CallOptions#defaults()} if unset. */
        public Builder<Req, Resp> defaultCallOptions(CallOptions options) {
            defaultCallOptions = Objects.requireNonNull(options, "defaultCallOptions");
            return this;
        }

        /** The ping sent on idle connections, instead of the codec's own {@link Codec#keepAlivePing()}. */
        public Builder<Req, Resp> keepAlivePing(KeepAlivePing<Req, Resp> ping) {
            keepAlivePing = Objects.requireNonNull(ping, "keepAlivePing");
            return this;
        }

        /** Receives lifecycle events; may be called more than once. */
        public Builder<Req, Resp> listener(TetherClientListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Where {@link TetherClient#callAsync} runs calls; by default a virtual thread per call when the JVM has
         * them, otherwise a bounded pool of daemon threads. An executor given here is not shut down by the client.
         */
        public Builder<Req, Resp> asyncExecutor(Executor executor) {
            asyncExecutor = Objects.requireNonNull(executor, "asyncExecutor");
            return this;
        }

        /** For tests: the clock the client reads and waits on, moved by hand. */
        Builder<Req, Resp> timeSource(dev.tether.pool.internal.TimeSource source) {
            this.time = Objects.requireNonNull(source, "timeSource");
            return this;
        }

        /** A name for log lines, thread names and metrics tags; "tether" by default. */
        public Builder<Req, Resp> name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Builds and starts the client: its maintenance thread begins, and idle connections are opened in the
         * background up to {@link PoolSettings#minIdlePerEndpoint()}. Never connects on the calling thread; an
         * {@link EndpointSource} is asked once on it (bounded by the source's own timeouts).
         *
         * @throws IllegalStateException when no endpoint was given
         * @throws IllegalArgumentException when settings contradict each other, naming the values
         * @throws IllegalStateException also when commons-pool2 or resilience4j on the class path is older than
         *         Tether needs, naming the version found, the version needed and the fix
         */
        public TetherClient<Req, Resp> build() {
            DependencyGuard.requireSupportedVersions();
            if (endpoints.isEmpty() && endpointSource == null) {
                throw new IllegalStateException("at least one endpoint (or an endpoint source) is required");
            }
            if (!endpoints.isEmpty() && endpointSource != null) {
                throw new IllegalStateException("fixed endpoints " + endpoints + " and an endpoint source ("
                        + endpointSource.description() + ") given: use one or the other");
            }
            if ((long) pool.minIdlePerEndpoint() * endpoints.size() > pool.maxTotal()) {
                // Warming every endpoint would need more than maxTotal, so endpoints would close each other's
                // idle connections to make room, forever.
                throw new IllegalStateException("minIdlePerEndpoint " + pool.minIdlePerEndpoint() + " for "
                        + endpoints.size() + " endpoints needs " + (long) pool.minIdlePerEndpoint() * endpoints.size()
                        + " connections, more than maxTotal " + pool.maxTotal()
                        + "; raise maxTotal or lower minIdlePerEndpoint");
            }
            Connector effective = connector != null ? connector : Connectors.build(transport, tls);
            KeepAlivePing<Req, Resp> ping = keepAlivePing != null ? keepAlivePing : codec.keepAlivePing().orElse(null);
            return new PooledClient<>(new ClientCore<>(new ClientCore.Config<>(name, List.copyOf(endpoints), codec,
                    effective, transport, pool, retry, breaker, reconnect, loadBalancing, defaultCallOptions, ping,
                    List.copyOf(listeners), asyncExecutor, time, endpointSource)), defaultCallOptions);
        }
    }
}
