package dev.tether.pool.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executors for asynchronous calls: one virtual thread per call when the JVM has them (found reflectively, since
 * the code targets Java 17), otherwise a bounded pool of daemon threads with a bounded queue.
 */
final class AsyncExecutors {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncExecutors.class);
    static final int QUEUE_CAPACITY = 4096;

    private AsyncExecutors() {
    }

    /** A virtual-thread-per-task executor naming its threads {@code prefix-N}, or null when the JVM has none. */
    static ExecutorService virtualThreadPerTask(String prefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix + "-", 0L);
            ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
            return (ExecutorService) perTask.invoke(null, factory);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            return null;
        } catch (InvocationTargetException | IllegalAccessException e) {
            // Present but unusable, e.g. a preview feature not enabled on Java 19/20.
            LOG.debug("virtual threads unavailable, using a bounded thread pool: {}", e.toString());
            return null;
        }
    }

    /** A bounded pool of {@code threads} daemon threads with a bounded queue; a full queue rejects. */
    static ExecutorService bounded(String prefix, int threads) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), daemonThreads(prefix), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    static ExecutorService create(String prefix, int threadsIfBounded) {
        ExecutorService virtual = virtualThreadPerTask(prefix);
        return virtual != null ? virtual : bounded(prefix, threadsIfBounded);
    }

    /** Daemon threads, so a client nobody closed never keeps the JVM alive. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
