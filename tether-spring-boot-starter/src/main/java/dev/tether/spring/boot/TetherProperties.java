package dev.tether.spring.boot;

import dev.tether.pool.LoadBalancing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Tether clients the starter creates: one {@code TetherClient} bean per entry under
 * {@code tether.clients.<name>}, registered under {@code <name>}.
 *
 * <pre>
 * tether.clients.orders.endpoints=orders-1.internal:7000,orders-2.internal:7000
 * tether.clients.orders.codec=line
 * tether.clients.orders.ssl.bundle=orders
 * tether.clients.orders.pool.max-total=32
 *
 * # or the endpoints from DNS, asked again every refresh interval:
 * tether.clients.cache.dns.name=redis.prod.svc.cluster.local
 * tether.clients.cache.dns.port=6379
 * tether.clients.cache.codec=resp
 * </pre>
 *
 * <p>Every setting left out keeps Tether's own default (the Javadoc of {@code PoolSettings}, {@code RetrySettings},
 * {@code CircuitBreakerSettings}, {@code ReconnectSettings} and {@code CallOptions} lists them); the values noted
 * here are those defaults at the time of writing.
 */
@ConfigurationProperties(prefix = "tether")
public class TetherProperties {

    /** The clients to create, by bean name. */
    private Map<String, Client> clients = new LinkedHashMap<>();

    public Map<String, Client> getClients() {
        return clients;
    }

    public void setClients(Map<String, Client> clients) {
        this.clients = clients;
    }

    /** One client: where it connects, how it secures and frames its traffic, and how it pools and retries. */
    public static class Client {

        /**
         * Fixed endpoints to balance calls over, each as host:port, [v6]:port or unix:/path. Either these or
         * {@code dns.name} or {@code dns.srv} is required, exactly one of the three.
         */
        private List<String> endpoints = new ArrayList<>();

        /** Endpoints taken from DNS and asked again at run time, instead of fixed {@code endpoints}. */
        private final Dns dns = new Dns();

        /**
         * Wire protocol: line, length-prefixed or resp. Required unless a Codec bean named
         * {@code <name>Codec} exists, which then takes precedence.
         */
        private String codec;

        /** How calls are spread over the endpoints; Tether's default is p2c-ewma (two random choices weighed by latency and load). */
        private LoadBalancing loadBalancing;

        /** Timeout of calls and leases made without their own CallOptions; Tether's default is 10s. */
        private Duration callTimeout;

        /** Timeout of each TCP connect, within the call's deadline; Tether's default is 10s. */
        private Duration connectTimeout;

        /** TLS settings. */
        private final Ssl ssl = new Ssl();

        /** Connection pool settings. */
        private final Pool pool = new Pool();

        /** Retry settings. */
        private final Retry retry = new Retry();

        /** Per-endpoint circuit breaker settings. */
        private final CircuitBreaker circuitBreaker = new CircuitBreaker();

        /** Pacing of reconnects to an unreachable endpoint. */
        private final Reconnect reconnect = new Reconnect();

        public List<String> getEndpoints() {
            return endpoints;
        }

        public void setEndpoints(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public Dns getDns() {
            return dns;
        }

        public String getCodec() {
            return codec;
        }

        public void setCodec(String codec) {
            this.codec = codec;
        }

        public LoadBalancing getLoadBalancing() {
            return loadBalancing;
        }

        public void setLoadBalancing(LoadBalancing loadBalancing) {
            this.loadBalancing = loadBalancing;
        }

        public Duration getCallTimeout() {
            return callTimeout;
        }

        public void setCallTimeout(Duration callTimeout) {
            this.callTimeout = callTimeout;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Ssl getSsl() {
            return ssl;
        }

        public Pool getPool() {
            return pool;
        }

        public Retry getRetry() {
            return retry;
        }

        public CircuitBreaker getCircuitBreaker() {
            return circuitBreaker;
        }

        public Reconnect getReconnect() {
            return reconnect;
        }
    }

    /**
     * Endpoints from DNS, for a client whose servers' addresses change while it runs (a Kubernetes headless
     * service, a cache node replaced during maintenance, blue/green deploys): set {@code name} and {@code port}
     * (every A/AAAA address of the name, on that port; Tether's {@code DnsEndpointSource}) or {@code srv} (every
     * address of every target of the SRV records, each on its record's port; {@code SrvEndpointSource}), not
     * both, and no fixed {@code endpoints}. The client asks once while it is created (startup does not fail when
     * DNS does not answer: the client starts without endpoints, its calls wait up to their deadline and fail, and
     * its health is DOWN until an answer comes) and then every {@code refresh-interval}; each good answer replaces the endpoint set (added
     * addresses are warmed first, removed ones drain), a failed or empty one keeps the last good set, is logged
     * and shows in the health details.
     *
     * <p>With TLS, each endpoint presents and verifies the DNS name, not the address: {@code name}, or for SRV
     * the record's target. The server certificates must carry that name.
     */
    public static class Dns {

        /**
         * Fully qualified DNS name whose A/AAAA records are the endpoints, e.g. redis.prod.svc.cluster.local (no
         * port: that is {@code port}). With TLS this is the server name verified on every address.
         */
        private String name;

        /** The port every address of {@code name} serves on; required with {@code name}, unused with {@code srv}. */
        private Integer port;

        /**
         * SRV name whose records are the endpoints, e.g. _redis._tcp.prod.svc.cluster.local: every address of every
         * target of the most preferred priority group, on the record's port. With TLS each target's name is the
         * server name verified.
         */
        private String srv;

        /** How often DNS is asked again after a good answer; Tether's default is 30s, at least 1s. */
        private Duration refreshInterval;

        /**
         * How DNS is asked: direct (the default: queries straight to the name servers through the JDK's DNS
         * provider, no cache in between, so changes show on the next refresh; the name must be fully qualified) or
         * system-resolver (the operating system's resolver, with /etc/hosts and search domains, behind the JVM's
         * address cache, networkaddress.cache.ttl).
         */
        private String mode;

        /**
         * Name servers to ask in direct mode, in order, each an IP address with an optional port (10.0.0.10,
         * 10.0.0.10:53, [fd00::a]:53); by default the system's (/etc/resolv.conf).
         */
        private List<String> nameServers = new ArrayList<>();

        /** How long a direct query's first attempt waits for an answer; Tether's default is 1s, each retry twice as long. */
        private Duration queryTimeout;

        /** How many times a direct query is sent again to each server after no answer, 0 to 5; Tether's default is 1. */
        private Integer retries;

        /** Which addresses become endpoints: both (the default), ipv4 (A records) or ipv6 (AAAA records). */
        private String family;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getSrv() {
            return srv;
        }

        public void setSrv(String srv) {
            this.srv = srv;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        public String getMode() {
            return mode;
        }

        public void setMode(String mode) {
            this.mode = mode;
        }

        public List<String> getNameServers() {
            return nameServers;
        }

        public void setNameServers(List<String> nameServers) {
            this.nameServers = nameServers;
        }

        public Duration getQueryTimeout() {
            return queryTimeout;
        }

        public void setQueryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }

        public Integer getRetries() {
            return retries;
        }

        public void setRetries(Integer retries) {
            this.retries = retries;
        }

        public String getFamily() {
            return family;
        }

        public void setFamily(String family) {
            this.family = family;
        }
    }

    /**
     * TLS for a client. On by default: without a bundle the JDK's default trust store is used. Hostname
     * verification is always on.
     */
    public static class Ssl {

        /** Whether connections use TLS. Plain TCP needs this set to false. */
        private boolean enabled = true;

        /**
         * Name of the Spring SSL bundle (spring.ssl.bundle.pem.NAME or spring.ssl.bundle.jks.NAME) whose key
         * material and trust the client uses, with its protocols and ciphers when it names any. Bundle updates
         * (reload-on-update) reach new connections; idle connections made with the old material are retired.
         */
        private String bundle;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** Mirrors {@code PoolSettings}; unset values keep its defaults. */
    public static class Pool {

        /** Connections open at once across all endpoints (default 64; alone it is also the per-endpoint limit). */
        private Integer maxTotal;

        /** Connections open at once to one endpoint (default 16). */
        private Integer maxPerEndpoint;

        /** Idle connections kept ready per endpoint (default 0). */
        private Integer minIdlePerEndpoint;

        /** Longest wait for a free connection (default 5s, at most 1h). */
        private Duration acquireTimeout;

        /** Reuse the most recently returned connection first (default true). */
        private Boolean lifo;

        /** An idle connection unused this long is closed (default 60s). */
        private Duration maxIdleTime;

        /** A connection this old is retired when next idle (default 30m). */
        private Duration maxLifetime;

        /** The most a connection's lifetime is shortened by at random (default a twentieth of max-lifetime). */
        private Duration maxLifetimeJitter;

        /** A connection idle at least this long is checked before reuse (default 500ms; 0 checks every reuse). */
        private Duration validateAfterInactivity;

        /** Idle connections are pinged this often when the codec has a ping (default 30s; 0 turns pings off). */
        private Duration keepAliveInterval;

        /** How long a ping may take (default 5s). */
        private Duration keepAliveTimeout;

        /** A lease held longer logs the stack that took it (default 0, off). */
        private Duration leakDetectionThreshold;

        /** How long closing the client waits for calls in flight (default 10s). */
        private Duration drainTimeout;

        /** How often idle connections are evicted, pinged and topped up (default 1s). */
        private Duration maintenanceInterval;

        /** Requests in flight at once on one shared connection, 1 to 1024 (default 1: no pipelining). */
        private Integer pipelineDepth;

        /** Bytes of requests waiting to be written on one shared connection, at least 1 (default 1048576, 1 MiB). */
        private Integer pipelineMaxQueuedBytes;

        public Integer getMaxTotal() {
            return maxTotal;
        }

        public void setMaxTotal(Integer maxTotal) {
            this.maxTotal = maxTotal;
        }

        public Integer getMaxPerEndpoint() {
            return maxPerEndpoint;
        }

        public void setMaxPerEndpoint(Integer maxPerEndpoint) {
            this.maxPerEndpoint = maxPerEndpoint;
        }

        public Integer getMinIdlePerEndpoint() {
            return minIdlePerEndpoint;
        }

        public void setMinIdlePerEndpoint(Integer minIdlePerEndpoint) {
            this.minIdlePerEndpoint = minIdlePerEndpoint;
        }

        public Duration getAcquireTimeout() {
            return acquireTimeout;
        }

        public void setAcquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = acquireTimeout;
        }

        public Boolean getLifo() {
            return lifo;
        }

        public void setLifo(Boolean lifo) {
            this.lifo = lifo;
        }

        public Duration getMaxIdleTime() {
            return maxIdleTime;
        }

        public void setMaxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
        }

        public Duration getMaxLifetime() {
            return maxLifetime;
        }

        public void setMaxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }

        public Duration getMaxLifetimeJitter() {
            return maxLifetimeJitter;
        }

        public void setMaxLifetimeJitter(Duration maxLifetimeJitter) {
            this.maxLifetimeJitter = maxLifetimeJitter;
        }

        public Duration getValidateAfterInactivity() {
            return validateAfterInactivity;
        }

        public void setValidateAfterInactivity(Duration validateAfterInactivity) {
            this.validateAfterInactivity = validateAfterInactivity;
        }

        public Duration getKeepAliveInterval() {
            return keepAliveInterval;
        }

        public void setKeepAliveInterval(Duration keepAliveInterval) {
            this.keepAliveInterval = keepAliveInterval;
        }

        public Duration getKeepAliveTimeout() {
            return keepAliveTimeout;
        }

        public void setKeepAliveTimeout(Duration keepAliveTimeout) {
            this.keepAliveTimeout = keepAliveTimeout;
        }

        public Duration getLeakDetectionThreshold() {
            return leakDetectionThreshold;
        }

        public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
            this.leakDetectionThreshold = leakDetectionThreshold;
        }

        public Duration getDrainTimeout() {
            return drainTimeout;
        }

        public void setDrainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }

        public Duration getMaintenanceInterval() {
            return maintenanceInterval;
        }

        public void setMaintenanceInterval(Duration maintenanceInterval) {
            this.maintenanceInterval = maintenanceInterval;
        }

        public Integer getPipelineDepth() {
            return pipelineDepth;
        }

        public void setPipelineDepth(Integer pipelineDepth) {
            this.pipelineDepth = pipelineDepth;
        }

        public Integer getPipelineMaxQueuedBytes() {
            return pipelineMaxQueuedBytes;
        }

        public void setPipelineMaxQueuedBytes(Integer pipelineMaxQueuedBytes) {
            this.pipelineMaxQueuedBytes = pipelineMaxQueuedBytes;
        }
    }

    /**
     * Mirrors {@code RetrySettings}; unset values keep its defaults. What is retried never depends on these: a
     * request that may have reached the server is only sent again for calls marked idempotent.
     */
    public static class Retry {

        /** Attempts per call, the first included, 1 to 10 (default 3; 1 turns retries off). */
        private Integer maxAttempts;

        /** Cap on the backoff before the first retry (default 50ms; full jitter, doubling per attempt). */
        private Duration initialBackoff;

        /** Cap on any backoff (default 2s, at most 1m). */
        private Duration maxBackoff;

        /** Retries allowed per call made within the budget window (default 0.2, i.e. 20%). */
        private Double budgetRatio;

        /** Retries per second always allowed, whatever the traffic (default 10). */
        private Integer budgetMinRetriesPerSecond;

        /** How long a call counts towards the retry budget, whole seconds from 1s to 60s (default 10s). */
        private Duration budgetWindow;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public Double getBudgetRatio() {
            return budgetRatio;
        }

        public void setBudgetRatio(Double budgetRatio) {
            this.budgetRatio = budgetRatio;
        }

        public Integer getBudgetMinRetriesPerSecond() {
            return budgetMinRetriesPerSecond;
        }

        public void setBudgetMinRetriesPerSecond(Integer budgetMinRetriesPerSecond) {
            this.budgetMinRetriesPerSecond = budgetMinRetriesPerSecond;
        }

        public Duration getBudgetWindow() {
            return budgetWindow;
        }

        public void setBudgetWindow(Duration budgetWindow) {
            this.budgetWindow = budgetWindow;
        }
    }

    /** Mirrors {@code CircuitBreakerSettings}; unset values keep its defaults. */
    public static class CircuitBreaker {

        /** Whether endpoints that keep failing calls are avoided (default true). */
        private Boolean enabled;

        /** Percentage of failed attempts that opens the breaker, (0, 100] (default 50). */
        private Float failureRateThreshold;

        /** Percentage of slow attempts that opens the breaker, (0, 100] (default 80). */
        private Float slowCallRateThreshold;

        /** An attempt taking at least this long counts as slow (default 5s). */
        private Duration slowCallDuration;

        /** How many recent attempts the rates are computed over (default 50). */
        private Integer slidingWindowSize;

        /** Attempts needed in the window before the breaker can open (default 20). */
        private Integer minimumCalls;

        /** First open period (default 1s; doubles per consecutive trip). */
        private Duration openDuration;

        /** Longest open period (default 30s). */
        private Duration maxOpenDuration;

        /** Probe calls let through while half open (default 3). */
        private Integer halfOpenCalls;

        /** Below this percentage of healthy endpoints breakers are ignored, [0, 100] (default 50). */
        private Float panicThreshold;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(Float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Float getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }

        public Duration getSlowCallDuration() {
            return slowCallDuration;
        }

        public void setSlowCallDuration(Duration slowCallDuration) {
            this.slowCallDuration = slowCallDuration;
        }

        public Integer getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Integer getMinimumCalls() {
            return minimumCalls;
        }

        public void setMinimumCalls(Integer minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        public Duration getOpenDuration() {
            return openDuration;
        }

        public void setOpenDuration(Duration openDuration) {
            this.openDuration = openDuration;
        }

        public Duration getMaxOpenDuration() {
            return maxOpenDuration;
        }

        public void setMaxOpenDuration(Duration maxOpenDuration) {
            this.maxOpenDuration = maxOpenDuration;
        }

        public Integer getHalfOpenCalls() {
            return halfOpenCalls;
        }

        public void setHalfOpenCalls(Integer halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
        }

        public Float getPanicThreshold() {
            return panicThreshold;
        }

        public void setPanicThreshold(Float panicThreshold) {
            this.panicThreshold = panicThreshold;
        }
    }

    /** Mirrors {@code ReconnectSettings}; unset values keep its defaults. */
    public static class Reconnect {

        /** Delay after the first failed connect (default 20ms). */
        private Duration initialBackoff;

        /** Growth of the delay per failed connect, 1 to 10 (default 1.6). */
        private Double multiplier;

        /** Random spread of each delay, 0 to 1 (default 0.2). */
        private Double jitter;

        /** Longest delay before jitter (default 200ms). */
        private Duration maxBackoff;

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public Double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(Double multiplier) {
            this.multiplier = multiplier;
        }

        public Double getJitter() {
            return jitter;
        }

        public void setJitter(Double jitter) {
            this.jitter = jitter;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }
}
