package dev.tether.pool.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the calling thread is a virtual thread, on a Java 17 baseline: {@code Thread::isVirtual} is looked up
 * once (JDK 21+); on JDK 17 every thread is a platform thread. {@link SystemTime} parks virtual threads through
 * {@link DeadlineWakeups} and platform threads with a timed futex wait; {@link Pipeline}'s writer yields once
 * before a batch on a virtual thread only (a hand-over of the carrier there, a {@code sched_yield} on a platform
 * thread).
 */
final class VirtualThreads {
    private static final MethodHandle IS_VIRTUAL = lookUp();

    private VirtualThreads() {
    }

    static boolean current() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle lookUp() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException jdk17) {
            return null;
        }
    }
}
