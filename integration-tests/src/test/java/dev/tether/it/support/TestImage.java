package dev.tether.it.support;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * The locally built image that every integration test container runs (see
 * {@code integration-tests/docker/build-image.sh}), and containers made from it that never pull.
 */
public final class TestImage {

    /** System property naming the image; wins over {@link #IMAGE_ENV}. */
    public static final String IMAGE_PROPERTY = "tether.it.image";

    /** Environment variable naming the image; the build script reads the same one. */
    public static final String IMAGE_ENV = "TETHER_IT_IMAGE";

    /** The image the build script makes when nothing else is configured. */
    public static final String DEFAULT_IMAGE = "tether-it:bookworm";

    /** No registry is reachable from CI, so a missing image must fail fast instead of attempting a pull. */
    public static final ImagePullPolicy NEVER_PULL = new ImagePullPolicy() {
        @Override
        public boolean shouldPull(DockerImageName imageName) {
            return false;
        }

        @Override
        public String toString() {
            return "never pull";
        }
    };

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** Keyed by identity: containers compare by configuration, which changes as a test sets them up. */
    private static final Map<GenericContainer<?>, ServerOutput> OUTPUTS =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private TestImage() {
    }

    /** The configured image: {@value #IMAGE_PROPERTY}, else {@value #IMAGE_ENV}, else {@value #DEFAULT_IMAGE}. */
    public static DockerImageName name() {
        String configured = System.getProperty(IMAGE_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(IMAGE_ENV);
        }
        return DockerImageName.parse(configured == null || configured.isBlank() ? DEFAULT_IMAGE : configured.trim());
    }

    /**
     * A not yet started container of the test image that never pulls and sends its output to the
     * logger {@code it.container.<logName>}, so a failing scenario shows what the server said.
     */
    public static GenericContainer<?> container(String logName) {
        ServerOutput output = new ServerOutput();
        GenericContainer<?> container = new GenericContainer<>(name())
                .withImagePullPolicy(NEVER_PULL)
                .withStartupTimeout(STARTUP_TIMEOUT)
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("it.container." + logName)))
                .withLogConsumer(output);
        OUTPUTS.put(container, output);
        return container;
    }

    /**
     * What a container made by {@link #container} has printed since it started (until it is first stopped:
     * output after a restart is not followed).
     */
    public static ServerOutput output(GenericContainer<?> container) {
        ServerOutput output = OUTPUTS.get(container);
        if (output == null) {
            throw new IllegalArgumentException("not a container made by TestImage.container: " + container);
        }
        return output;
    }
}
