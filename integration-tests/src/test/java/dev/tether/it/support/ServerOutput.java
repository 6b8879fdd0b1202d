package dev.tether.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Every line a container has printed (stdout and stderr together, in arrival order), kept from the moment it
 * starts, so a scenario can assert what the server itself saw: connections accepted, certificates verified,
 * sessions closed.
 *
 * <p>It follows the container's output as it streams in. Asking the engine for the log afterwards
 * ({@code getLogs()}) was tried first and came back short of lines the stream had already delivered, so
 * assertions read this record instead.
 */
public final class ServerOutput implements Consumer<OutputFrame> {

    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> lines = new ArrayList<>();

    @Override
    public void accept(OutputFrame frame) {
        if (frame == null || frame == OutputFrame.END || frame.getBytes() == null) {
            return;
        }
        String line = frame.getUtf8StringWithoutLineEnding();
        lock.lock();
        try {
            lines.add(line);
        } finally {
            lock.unlock();
        }
    }

    /** The lines received so far. */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }
}
