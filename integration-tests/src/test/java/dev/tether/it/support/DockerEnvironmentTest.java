package dev.tether.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * When the integration tests must fail instead of skipping without Docker: under {@code CI=true} (a CI job with
 * no engine must not stay green with every IT skipped), or when {@code TETHER_IT_REQUIRE_DOCKER} or
 * {@code -Dtether.it.requireDocker} says so; {@code TETHER_IT_REQUIRE_DOCKER=false} opts a CI job out. A unit test, run without
 * Docker: it checks the rule over given variables, not the machine's.
 */
class DockerEnvironmentTest {

    @Test
    void ciTrueRequiresDocker() {
        assertThat(required(Map.of("CI", "true"), Map.of())).isTrue();
        assertThat(required(Map.of("CI", "TRUE"), Map.of())).isTrue();
    }

    @Test
    void aDeveloperMachineSkips() {
        assertThat(required(Map.of(), Map.of())).isFalse();
        assertThat(required(Map.of("CI", "false"), Map.of())).isFalse();
        assertThat(required(Map.of("CI", ""), Map.of())).isFalse();
    }

    @Test
    void theExplicitSwitchesStillRequireDocker() {
        assertThat(required(Map.of("TETHER_IT_REQUIRE_DOCKER", "true"), Map.of())).isTrue();
        assertThat(required(Map.of(), Map.of("tether.it.requireDocker", "true"))).isTrue();
    }

    @Test
    void theEnvironmentSwitchCanOptACiJobOut() {
        assertThat(required(Map.of("CI", "true", "TETHER_IT_REQUIRE_DOCKER", "false"), Map.of())).isFalse();
        assertThat(required(Map.of("TETHER_IT_REQUIRE_DOCKER", "false"), Map.of("tether.it.requireDocker", "true")))
                .isTrue();
    }

    @Test
    void thePomsDefaultPropertyDoesNotCancelCi() {
        // The root pom passes -Dtether.it.requireDocker=false to every IT run unless told otherwise.
        assertThat(required(Map.of("CI", "true"), Map.of("tether.it.requireDocker", "false"))).isTrue();
        assertThat(required(Map.of(), Map.of("tether.it.requireDocker", "false"))).isFalse();
    }

    private static boolean required(Map<String, String> env, Map<String, String> properties) {
        UnaryOperator<String> e = env::get;
        UnaryOperator<String> p = properties::get;
        return DockerEnvironment.required(e, p);
    }
}
