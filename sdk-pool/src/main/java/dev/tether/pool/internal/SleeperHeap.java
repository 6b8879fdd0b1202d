package dev.tether.pool.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parked threads of {@link DeadlineWakeups}, earliest deadline first: a binary heap in an array, each sleeper
 * knowing its own place, so that taking one out when its thread is unparked (nearly every park ends that way) is a
 * few swaps, not a search. It replaced a {@code ConcurrentSkipListSet}, whose insert and removal (index levels, a
 * node each, random numbers) were 7% of a pipelined client's CPU (benchmarks/README.md, "Pipelining").
 *
 * <p>A spin lock guards it, never a lock that parks: a thread listing itself is about to park for an unpark that
 * may already have been given, and a contended {@code ReentrantLock} parks inside and spends that unpark; the
 * thread would then sleep until its deadline (every caller of a benchmark did, 10 s, in the first try). Nothing
 * under the lock blocks; it is held for a few swaps (longer only to grow the array or copy the threads for
 * {@link DeadlineWakeups#stop}). A virtual thread that keeps finding it taken yields, which frees its carrier for
 * other virtual threads but not the CPU, so a holder descheduled by the operating system costs the spinners CPU
 * until it runs again.
 */
final class SleeperHeap {
    /** {@link #firstDeadline} when nobody is listed. */
    static final long NONE = Long.MAX_VALUE;

    /** One parked thread and its deadline; ordered by deadline (compared by difference), then by arrival. */
    static final class Sleeper {
        final Thread thread;
        final long deadline;
        /** Arrival order, set under the lock. */
        long seq;
        /** Its place in the heap, or -1 once out of it; guarded by the heap's lock. */
        int index = -1;

        Sleeper(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        boolean before(Sleeper o) {
            long d = deadline - o.deadline;
            return d != 0 ? d < 0 : seq - o.seq < 0;
        }
    }

    private final AtomicBoolean locked = new AtomicBoolean();
    /** Acquisitions that found the lock taken (for tests: that a thread is at the lock). */
    private final AtomicLong contended = new AtomicLong();
    private Sleeper[] heap = new Sleeper[16];
    private int size;
    private long seq;

    /** Lists {@code thread} until {@code deadline}. */
    Sleeper add(Thread thread, long deadline) {
        // Made (and its class loaded) before the lock: nothing under it may park.
        Sleeper s = new Sleeper(thread, deadline);
        lock();
        try {
            s.seq = seq++;
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            s.index = size++;
            heap[s.index] = s;
            up(s.index);
            return s;
        } finally {
            unlock();
        }
    }

    /** Takes {@code s} out if it is still listed. */
    void remove(Sleeper s) {
        lock();
        try {
            if (s.index >= 0) {
                removeAt(s.index);
            }
        } finally {
            unlock();
        }
    }

    /** Takes out the earliest sleeper if its deadline has come by {@code now} and returns it; else null. */
    Sleeper pollExpired(long now) {
        lock();
        try {
            if (size == 0 || heap[0].deadline - now > 0) {
                return null;
            }
            Sleeper first = heap[0];
            removeAt(0);
            return first;
        } finally {
            unlock();
        }
    }

    /** The earliest deadline listed, or {@link #NONE}. */
    long firstDeadline() {
        lock();
        try {
            return size == 0 ? NONE : heap[0].deadline;
        } finally {
            unlock();
        }
    }

    /** The threads listed now (a copy). */
    Thread[] threads() {
        lock();
        try {
            Thread[] out = new Thread[size];
            for (int i = 0; i < size; i++) {
                out[i] = heap[i].thread;
            }
            return out;
        } finally {
            unlock();
        }
    }

    int size() {
        lock();
        try {
            return size;
        } finally {
            unlock();
        }
    }

    void lock() {
        if (locked.compareAndSet(false, true)) {
            return;
        }
        contended.incrementAndGet();
        int spins = 0;
        while (!locked.compareAndSet(false, true)) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder's carrier or thread was descheduled: let others run meanwhile
            }
        }
    }

    void unlock() {
        locked.set(false);
    }

    long contended() {
        return contended.get();
    }

    private void removeAt(int i) {
        Sleeper gone = heap[i];
        gone.index = -1;
        int last = --size;
        if (i != last) {
            Sleeper moved = heap[last];
            heap[i] = moved;
            moved.index = i;
            heap[last] = null;
            if (!down(i)) {
                up(i);
            }
        } else {
            heap[last] = null;
        }
    }

    private void up(int i) {
        Sleeper s = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Sleeper p = heap[parent];
            if (!s.before(p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = s;
        s.index = i;
    }

    /** Moves the sleeper at {@code i} down to its place; false when it stayed where it was. */
    private boolean down(int i) {
        Sleeper s = heap[i];
        int start = i;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1].before(heap[child])) {
                child++;
            }
            if (!heap[child].before(s)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = s;
        s.index = i;
        return i != start;
    }
}
