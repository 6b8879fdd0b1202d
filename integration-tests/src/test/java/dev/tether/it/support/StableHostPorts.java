package dev.tether.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;

/**
 * Publishes container ports on host ports chosen before the container starts.
 *
 * <p>Docker gives an ephemerally published port a new host port every time the container is
 * started again or reconnected to its network, so a client pointed at the old address would see a
 * dead endpoint forever. Fault scenarios that stop, restart or disconnect a server need the address
 * to survive; use this instead of {@code withExposedPorts} for them.
 */
public final class StableHostPorts {

    private StableHostPorts() {
    }

    /**
     * Binds {@code containerPort} (TCP) to a host port that is free now and returns that host port.
     * Call before {@code start()}; the container's {@code getMappedPort} then reports the same number.
     */
    public static int bind(GenericContainer<?> container, int containerPort) {
        int hostPort = freeHostPort();
        List<String> bindings = new ArrayList<>(container.getPortBindings());
        bindings.add(hostPort + ":" + containerPort + "/tcp");
        container.setPortBindings(bindings);
        return hostPort;
    }

    private static int freeHostPort() {
        // Docker publishes on all interfaces, so probe the wildcard address, not only loopback.
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free host port to publish a container port on", e);
        }
    }
}
