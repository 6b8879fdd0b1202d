package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class DependencyGuardTest {

    @Test
    void anOlderCommonsPool2IsNamedWithTheVersionFoundTheOneNeededAndTheFix() {
        // The version Jedis 6.2 brings in, which lacks setReuseCapacityOnReturn.
        assertThat(DependencyGuard.problem(DependencyGuard.COMMONS_POOL2, "2.12.1")).hasValueSatisfying(m -> assertThat(m)
                .contains("org.apache.commons:commons-pool2 2.12.1")
                .contains("needs 2.13.0 or newer")
                .contains("pin org.apache.commons:commons-pool2 to 2.13.0 or newer")
                .contains("<dependencyManagement>"));
        assertThat(DependencyGuard.problem(DependencyGuard.RESILIENCE4J_RETRY, "1.7.1")).hasValueSatisfying(m ->
                assertThat(m).contains("resilience4j-retry 1.7.1").contains("needs 2.3.0 or newer"));
        assertThat(DependencyGuard.problem(DependencyGuard.RESILIENCE4J_CIRCUITBREAKER, "2.2.0")).isPresent();
    }

    @Test
    void theMinimumAndAnythingNewerPass() {
        for (String ok : new String[] {"2.13.0", "2.13.1", "2.13.1-SNAPSHOT", "2.14", "3.0.0", "10.0"}) {
            assertThat(DependencyGuard.problem(DependencyGuard.COMMONS_POOL2, ok)).as(ok).isEmpty();
        }
        for (String old : new String[] {"2.12.1", "2.9.0", "1.6", "2.12.99"}) {
            assertThat(DependencyGuard.problem(DependencyGuard.COMMONS_POOL2, old)).as(old).isPresent();
        }
    }

    @Test
    void versionsCompareByNumberNotByText() {
        assertThat(DependencyGuard.compare("2.13.0", "2.9.0")).isPositive();
        assertThat(DependencyGuard.compare("2.13", "2.13.0")).isZero();
        assertThat(DependencyGuard.compare("2.0.0-M1", "2.0.0")).isZero();
        assertThat(DependencyGuard.compare("1.7.1", "2.0.0")).isNegative();
    }

    @Test
    void theRealClassPathIsReadAndPasses() {
        // The versions this build resolves (tether-parent's pom): read from the jars themselves.
        assertThat(DependencyGuard.foundVersion(DependencyGuard.COMMONS_POOL2)).hasValue("2.13.1");
        assertThat(DependencyGuard.foundVersion(DependencyGuard.RESILIENCE4J_RETRY)).hasValue("2.4.0");
        assertThat(DependencyGuard.foundVersion(DependencyGuard.RESILIENCE4J_CIRCUITBREAKER)).hasValue("2.4.0");
        assertThat(DependencyGuard.hasReuseCapacityOnReturn()).isTrue();
        assertThat(DependencyGuard.hasClass(
                "io.github.resilience4j.circuitbreaker.CircuitBreakerConfig$SlidingWindowSynchronizationStrategy")).isTrue();
        assertThat(DependencyGuard.hasClass("io.github.resilience4j.NoSuchClass")).isFalse();
        assertThatCode(DependencyGuard::requireSupportedVersions).doesNotThrowAnyException();
    }
}
