package dev.tether.pool.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The deadline-ordered list behind {@link DeadlineWakeups}: order, removal from anywhere, and the clock's wrap. */
class SleeperHeapTest {
    private final SleeperHeap heap = new SleeperHeap();
    private final Thread me = Thread.currentThread();

    @Test
    void expiredSleepersComeOutEarliestFirstThenByArrival() {
        SleeperHeap.Sleeper late = heap.add(me, 300);
        SleeperHeap.Sleeper first = heap.add(me, 100);
        SleeperHeap.Sleeper secondAt100 = heap.add(me, 100);
        SleeperHeap.Sleeper middle = heap.add(me, 200);

        assertNull(heap.pollExpired(99), "nothing is due before 100");
        assertEquals(100, heap.firstDeadline());
        assertSame(first, heap.pollExpired(250));
        assertSame(secondAt100, heap.pollExpired(250), "same deadline: in order of arrival");
        assertSame(middle, heap.pollExpired(250));
        assertNull(heap.pollExpired(250));
        assertEquals(300, heap.firstDeadline());
        assertSame(late, heap.pollExpired(300));
        assertNull(heap.pollExpired(Long.MAX_VALUE));
        assertEquals(SleeperHeap.NONE, heap.firstDeadline(), "empty");
    }

    @Test
    void deadlinesCompareByDifferenceAcrossTheClocksWrap() {
        long nearEnd = Long.MAX_VALUE - 10;
        SleeperHeap.Sleeper afterWrap = heap.add(me, nearEnd + 20); // wraps to a negative number
        SleeperHeap.Sleeper beforeWrap = heap.add(me, nearEnd);
        assertSame(beforeWrap, heap.pollExpired(nearEnd + 30));
        assertSame(afterWrap, heap.pollExpired(nearEnd + 30));
    }

    @Test
    void removingAnyOfThemKeepsTheRestInOrder() {
        Random random = new Random(42); // fixed: the same sequence every run
        List<SleeperHeap.Sleeper> listed = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            listed.add(heap.add(me, random.nextInt(1_000)));
            if (i % 3 == 2) {
                heap.remove(listed.remove(random.nextInt(listed.size())));
            }
        }
        SleeperHeap.Sleeper gone = listed.remove(0);
        heap.remove(gone);
        heap.remove(gone); // a second removal (the watcher took it, then its thread's own) changes nothing
        assertEquals(listed.size(), heap.size());

        listed.sort(Comparator.comparingLong((SleeperHeap.Sleeper s) -> s.deadline).thenComparingLong(s -> s.seq));
        List<SleeperHeap.Sleeper> polled = new ArrayList<>();
        for (SleeperHeap.Sleeper s; (s = heap.pollExpired(Long.MAX_VALUE - 1)) != null; ) {
            polled.add(s);
        }
        assertArrayEquals(listed.toArray(), polled.toArray());
        assertEquals(0, heap.size());
    }

    @Test
    void itGrowsPastItsFirstArray() {
        for (int i = 0; i < 100; i++) {
            heap.add(me, 1_000 - i);
        }
        assertEquals(100, heap.size());
        assertEquals(100, heap.threads().length);
        assertEquals(901, heap.pollExpired(2_000).deadline);
    }
}
