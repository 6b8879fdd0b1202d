/**
 * Tether's pooled, retrying, keep-alive client: {@code TetherClient} and its settings. Micrometer is optional
 * ({@code requires static}): only {@code dev.tether.pool.micrometer} uses it, and nothing else loads that
 * package. {@code dev.tether.pool.internal} is this module's own and is not exported.
 */
module dev.tether.pool {
    requires transitive dev.tether.tls;
    requires org.apache.commons.pool2;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.retry;
    requires io.github.resilience4j.circuitbreaker;
    requires HdrHistogram;
    requires org.slf4j;
    requires jdk.jfr;
    // DnsEndpointSource and SrvEndpointSource query name servers through JNDI; the DNS provider itself
    // (jdk.naming.dns) is bound as a service of java.naming, so a jlink image must add it.
    requires java.naming;
    requires static micrometer.core;

    exports dev.tether.pool;
    exports dev.tether.pool.micrometer;
}
