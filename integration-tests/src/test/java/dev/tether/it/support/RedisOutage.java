package dev.tether.it.support;

import static dev.tether.core.codec.RespValue.command;

import com.github.dockerjava.api.DockerClient;
import dev.tether.core.TetherException;
import dev.tether.core.codec.RespValue;
import dev.tether.pool.CallOptions;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Taking the fault ITs' Redis container away under a running client and waiting for the client to be answered
 * again: the steps every restart IT takes in the same order, with the same bounds.
 */
public final class RedisOutage {
    /** How many calls that started after {@code sinceNanos} ({@link System#nanoTime}) have failed so far. */
    @FunctionalInterface
    public interface FailuresSince {
        long count(long sinceNanos);
    }

    private RedisOutage() {
    }

    /**
     * Stops {@code containerId}, waits until at least {@code failures} calls started after the stop have failed
     * (so the outage was seen by callers, not only by the test), starts it again and waits until {@code client}
     * is answered; returns that moment ({@link System#nanoTime}).
     */
    public static long restart(DockerClient docker, String containerId, TetherClient<RespValue, RespValue> client,
                               Duration callTimeout, int failures, FailuresSince failed) {
        long stoppedAt = System.nanoTime();
        docker.stopContainerCmd(containerId).withTimeout(10).exec();
        Awaitility.await("calls failing while Redis is stopped").atMost(Duration.ofSeconds(20))
                .until(() -> failed.count(stoppedAt) >= failures);
        docker.startContainerCmd(containerId).exec();
        return awaitAnswers(client, callTimeout);
    }

    /** Waits until {@code client} gets PONG for a PING again; returns that moment ({@link System#nanoTime}). */
    public static long awaitAnswers(TetherClient<RespValue, RespValue> client, Duration callTimeout) {
        Awaitility.await("the client getting answers again").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(TetherException.class)
                .until(() -> "PONG".equals(client.call(command("PING"), CallOptions.timeout(callTimeout).failFast())
                        .asString()));
        return System.nanoTime();
    }
}
