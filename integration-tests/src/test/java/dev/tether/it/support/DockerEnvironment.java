package dev.tether.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
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

    /** How to get a working setup; part of every skip and failure message. */
    static final String HOW_TO_RUN = "To run the integration tests: start a Docker engine, build the test image with "
            + "'integration-tests/docker/build-image.sh' (as root; no registry needed), then run './mvnw verify'. "
            + "On a Debian machine as root, 'bash .ci/run' does all of this.";

    private DockerEnvironment() {
    }

    /** Whether a missing engine or image must fail the tests instead of skipping them. */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"))
                || Boolean.parseBoolean(System.getenv(REQUIRE_ENV));
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
