package dev.tether.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.function.UnaryOperator;
import org.testcontainers.DockerClientFactory;

/**
 * What the integration tests need from the machine: a reachable Docker engine holding the test
 * image, and whether its absence is a failure (CI) or a reason to skip (a laptop without Docker).
 */
public final class DockerEnvironment {

    /** Environment variable that, set to {@code true}, turns a missing engine or image into a failure. */
    public static final String REQUIRE_ENV = "TETHER_IT_REQUIRE_DOCKER";

    /** System property (Maven: {@code -Dtether.it.requireDocker=true}) with the same meaning as {@link #REQUIRE_ENV}. */
    public static final String REQUIRE_PROPERTY = "tether.it.requireDocker";

    /**
     * Set to {@code true} by CI services (GitHub Actions, GitLab CI, Jenkins' plugins, ...): a CI run that
     * skipped the integration tests would stay green with nothing tested, so there a missing engine fails too.
     */
    public static final String CI_ENV = "CI";

    /** How to say, in a message, what makes Docker required. */
    static final String REQUIRED_BY = CI_ENV + "=true, " + REQUIRE_ENV + "=true or -D" + REQUIRE_PROPERTY + "=true";

    /** How to get a working setup; part of every skip and failure message. */
    static final String HOW_TO_RUN = "To run the integration tests: start a Docker engine, build the test image with "
            + "'integration-tests/docker/build-image.sh' (as root; no registry needed), then run './mvnw verify'. "
            + "On a Debian machine as root, 'bash .ci/run' does all of this.";

    private DockerEnvironment() {
    }

    /** Whether a missing engine or image must fail the tests instead of skipping them. */
    public static boolean required() {
        return required(System::getenv, System::getProperty);
    }

    /**
     * The rule behind {@link #required()}, over given environment variables and system properties:
     * {@code -D}{@link #REQUIRE_PROPERTY}{@code =true} requires Docker; otherwise {@link #REQUIRE_ENV}, when set,
     * decides (so a CI job may still opt out with {@code false}); otherwise {@code CI=true} requires it. The
     * property cannot opt out: the root pom always passes it, {@code false} unless given.
     */
    static boolean required(UnaryOperator<String> env, UnaryOperator<String> properties) {
        String property = properties.apply(REQUIRE_PROPERTY);
        if (property != null && Boolean.parseBoolean(property.trim())) {
            return true;
        }
        String explicit = env.apply(REQUIRE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Boolean.parseBoolean(explicit.trim());
        }
        String ci = env.apply(CI_ENV);
        return ci != null && Boolean.parseBoolean(ci.trim());
    }

    /** The engine and image state, probed once per test JVM (probing costs a round trip or a connect timeout). */
    public static Status status() {
        return Probed.STATUS;
    }

    /** Class initialisation makes the probe lazy and once-only without a lock held around its I/O by callers. */
    private static final class Probed {
        static final Status STATUS = probe();
    }

    private static Status probe() {
        DockerClient client;
        try {
            client = DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            return Status.missing("no Docker engine could be reached (" + firstLine(e) + ")");
        }
        String image = TestImage.name().asCanonicalNameString();
        try {
            client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return Status.missing("the Docker engine has no image '" + image + "' and tests never pull one");
        } catch (RuntimeException e) {
            return Status.missing("could not inspect image '" + image + "' (" + firstLine(e) + ")");
        }
        return new Status(true, "Docker engine (API " + DockerClientFactory.instance().getActiveApiVersion()
                + ") with image '" + image + "'");
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Result of probing the engine.
     *
     * @param available whether tests can start containers from the test image
     * @param detail    what was found, or what is missing
     */
    public record Status(boolean available, String detail) {

        static Status missing(String detail) {
            return new Status(false, detail);
        }
    }
}
