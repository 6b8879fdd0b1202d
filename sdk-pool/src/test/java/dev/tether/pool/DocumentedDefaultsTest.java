package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults the Javadoc promises, and build-time validation that names the bad value. */
class DocumentedDefaultsTest {

    @Test
    void poolDefaultsAreWhatTheJavadocSays() {
        PoolSettings p = PoolSettings.defaults();
        assertThat(p.maxTotal()).isEqualTo(64);
        assertThat(p.maxPerEndpoint()).isEqualTo(16);
        assertThat(p.minIdlePerEndpoint()).isZero();
        assertThat(p.acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.lifo()).isTrue();
        assertThat(p.maxIdleTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.maxLifetimeJitter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.validateAfterInactivity()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.leakDetectionThreshold()).isZero();
        assertThat(p.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.maintenanceInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryDefaultsAreWhatTheJavadocSays() {
        RetrySettings r = RetrySettings.defaults();
        assertThat(r.maxAttempts()).isEqualTo(3);
        assertThat(r.initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(r.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.budgetRatio()).isEqualTo(0.2);
        assertThat(r.budgetMinRetriesPerSecond()).isEqualTo(10);
        assertThat(r.budgetWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(RetrySettings.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void breakerDefaultsAreWhatTheJavadocSays() {
        CircuitBreakerSettings b = CircuitBreakerSettings.defaults();
        assertThat(b.enabled()).isTrue();
        assertThat(b.failureRateThreshold()).isEqualTo(50f);
        assertThat(b.slowCallRateThreshold()).isEqualTo(80f);
        assertThat(b.slowCallDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.slidingWindowSize()).isEqualTo(50);
        assertThat(b.minimumCalls()).isEqualTo(20);
        assertThat(b.openDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.maxOpenDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.halfOpenCalls()).isEqualTo(3);
        assertThat(b.panicThreshold()).isEqualTo(50f);
        assertThat(CircuitBreakerSettings.disabled().enabled()).isFalse();
    }

    @Test
    void reconnectDefaultsAreWhatTheJavadocSays() {
        ReconnectSettings r = ReconnectSettings.defaults();
        assertThat(r.initialBackoff()).isEqualTo(Duration.ofMillis(20));
        assertThat(r.multiplier()).isEqualTo(1.6);
        assertThat(r.jitter()).isEqualTo(0.2);
        assertThat(r.maxBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(CallOptions.defaults().isWaitForReady()).isTrue();
        assertThat(CallOptions.defaults().failFast().isWaitForReady()).isFalse();
    }

    @Test
    void callsDefaultToTenSecondsAndNotIdempotent() {
        CallOptions o = CallOptions.defaults();
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.isIdempotent()).isFalse();
        assertThat(o.idempotent().isIdempotent()).isTrue();
        assertThat(CallOptions.timeout(Duration.ofSeconds(2)).timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(0))
                .hasMessage("maxTotal must be at least 1: 0");
        assertThatThrownBy(() -> PoolSettings.builder().acquireTimeout(Duration.ZERO))
                .hasMessage("acquireTimeout must be positive: PT0S");
        assertThatThrownBy(() -> PoolSettings.builder().acquireTimeout(Duration.ofDays(1)))
                .hasMessageContaining("acquireTimeout must be at most PT1H");
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(4).maxPerEndpoint(8).build())
                .hasMessage("maxPerEndpoint must not exceed maxTotal: 8 > 4");
        assertThatThrownBy(() -> PoolSettings.builder().minIdlePerEndpoint(20).build())
                .hasMessage("minIdlePerEndpoint must not exceed maxPerEndpoint: 20 > 16");
        assertThatThrownBy(() -> PoolSettings.builder().maxLifetime(Duration.ofSeconds(10))
                .maxLifetimeJitter(Duration.ofSeconds(10)).build())
                .hasMessage("maxLifetimeJitter must be less than maxLifetime: PT10S >= PT10S");
        assertThatThrownBy(() -> PoolSettings.builder().keepAliveInterval(Duration.ofSeconds(1)).build())
                .hasMessage("keepAliveTimeout must not exceed keepAliveInterval: PT5S > PT1S");
        assertThatThrownBy(() -> RetrySettings.builder().maxAttempts(0))
                .hasMessage("maxAttempts must be within 1..10: 0");
        assertThatThrownBy(() -> RetrySettings.builder().initialBackoff(Duration.ofSeconds(5)).build())
                .hasMessage("initialBackoff must not exceed maxBackoff: PT5S > PT2S");
        assertThatThrownBy(() -> RetrySettings.builder().budgetWindow(Duration.ofMillis(1500)))
                .hasMessage("budgetWindow must be whole seconds within 1s..60s: PT1.5S");
        assertThatThrownBy(() -> CircuitBreakerSettings.builder().failureRateThreshold(0))
                .hasMessage("failureRateThreshold must be a percentage within (0, 100]: 0.0");
        assertThatThrownBy(() -> CircuitBreakerSettings.builder().minimumCalls(60).build())
                .hasMessage("minimumCalls must not exceed slidingWindowSize: 60 > 50");
        assertThatThrownBy(() -> CallOptions.timeout(Duration.ofMillis(-1)))
                .hasMessage("timeout must be positive: PT-0.001S");
    }

    @Test
    void aClientNeedsAnEndpoint() {
        assertThatThrownBy(() -> TetherClient.builder(dev.tether.pool.testing.Clients.CODEC).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("at least one endpoint (or an endpoint source) is required");
        assertThatThrownBy(() -> TetherClient.builder(dev.tether.pool.testing.Clients.CODEC)
                .endpoint("127.0.0.1:1").endpoint("127.0.0.1:1"))
                .hasMessage("endpoint given twice: 127.0.0.1:1");
    }

    @Test
    void warmingEveryEndpointMustFitInMaxTotal() {
        assertThatThrownBy(() -> TetherClient.builder(dev.tether.pool.testing.Clients.CODEC)
                .endpoint("127.0.0.1:1").endpoint("127.0.0.1:2").endpoint("127.0.0.1:3")
                .pool(PoolSettings.builder().maxTotal(8).maxPerEndpoint(4).minIdlePerEndpoint(3).build())
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("minIdlePerEndpoint 3 for 3 endpoints needs 9 connections, more than maxTotal 8;"
                        + " raise maxTotal or lower minIdlePerEndpoint");
    }
}
