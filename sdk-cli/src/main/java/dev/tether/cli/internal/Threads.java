package dev.tether.cli.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the connection commands: a virtual thread per task when the JVM has them (Java 21+; found
 * reflectively because the code targets Java 17), otherwise a bounded pool of daemon platform threads that
 * rejects work beyond its size instead of queueing it without limit.
 */
public final class Threads {
    private Threads() {
    }

    /** Whether this JVM can start virtual threads. */
    public static boolean virtualThreadsAvailable() {
        ExecutorService probe = virtualPerTask("probe");
        if (probe == null) {
            return false;
        }
        probe.shutdown();
        return true;
    }

    /**
     * One virtual thread per task, or {@code maxPlatformThreads} daemon threads that reject further tasks with
     * {@link java.util.concurrent.RejectedExecutionException}.
     */
    public static ExecutorService perTask(String prefix, int maxPlatformThreads) {
        ExecutorService virtual = virtualPerTask(prefix);
        if (virtual != null) {
            return virtual;
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxPlatformThreads, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon(prefix), new ThreadPoolExecutor.AbortPolicy());
        return pool;
    }

    /** A factory of daemon platform threads named {@code prefix-N}. */
    public static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ExecutorService virtualPerTask(String prefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix + "-", 1L);
            ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
            return (ExecutorService) perTask.invoke(null, factory);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            return null;
        } catch (InvocationTargetException | IllegalAccessException e) {
            // Present but unusable: a preview feature not enabled on Java 19 or 20.
            return null;
        }
    }
}
