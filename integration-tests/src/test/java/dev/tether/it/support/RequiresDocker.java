package dev.tether.it.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test class that needs a Docker engine holding the {@link TestImage}.
 *
 * <p>Without them the class is skipped with a message saying how to run it, unless Docker is
 * required ({@link DockerEnvironment#REQUIRE_ENV} or {@link DockerEnvironment#REQUIRE_PROPERTY}, as
 * {@code .ci/run} sets it, or {@code CI=true}): then every test in the class fails with the reason. When a class also
 * uses Testcontainers' {@code @Testcontainers}, put this annotation first so its message is the one
 * reported.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DockerRequirementExtension.class)
public @interface RequiresDocker {
}
