package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import java.util.NoSuchElementException;
import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;

/**
 * How many connections the client may have, per endpoint and in all, kept by commons-pool2 as {@link Slot}s.
 * Taking a slot never waits and never connects: commons-pool2 either has room or says so at once (its
 * non-blocking borrow), and the caller then waits in the client's own queue ({@link Waiters}) on the client's
 * clock. A slot is borrowed for the life of one connection and invalidated when that connection is destroyed.
 */
final class Capacity {
    private final GenericKeyedObjectPool<Endpoint, Slot> slots;
    private final int maxPerEndpoint;
    private final int maxTotal;

    Capacity(int maxPerEndpoint, int maxTotal) {
        this.maxPerEndpoint = maxPerEndpoint;
        this.maxTotal = maxTotal;
        GenericKeyedObjectPoolConfig<Slot> c = new GenericKeyedObjectPoolConfig<>();
        c.setMaxTotal(maxTotal);
        c.setMaxTotalPerKey(maxPerEndpoint);
        // A slot is never returned, only invalidated with its connection: nothing is ever idle in here.
        c.setMaxIdlePerKey(0);
        c.setMinIdlePerKey(0);
        c.setBlockWhenExhausted(false);
        c.setTestOnBorrow(false);
        c.setTestOnReturn(false);
        c.setTestWhileIdle(false);
        c.setTimeBetweenEvictionRuns(java.time.Duration.ofMillis(-1));
        c.setJmxEnabled(false);
        this.slots = new GenericKeyedObjectPool<>(new BaseKeyedPooledObjectFactory<>() {
            @Override
            public Slot create(Endpoint key) {
                return new Slot(key);
            }

            @Override
            public PooledObject<Slot> wrap(Slot slot) {
                return new DefaultPooledObject<>(slot);
            }
        }, c);
    }

    /** Room for one more connection to {@code endpoint}, or null when it or the client is full. */
    Slot tryTake(Endpoint endpoint) {
        // Looking first keeps the exception below for the rare race, not for every caller of a full pool.
        if (!hasRoomFor(endpoint)) {
            return null;
        }
        try {
            return slots.borrowObject(endpoint);
        } catch (NoSuchElementException full) {
            return null; // commons-pool2's answer for "exhausted" when borrowing does not block
        } catch (IllegalStateException closed) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("commons-pool2 failed to hand out a slot", e);
        }
    }

    boolean hasRoomFor(Endpoint endpoint) {
        return slots.getNumActive(endpoint) < maxPerEndpoint && slots.getNumActive() < maxTotal;
    }

    /**
     * Whether the client as a whole (not {@code endpoint}'s own maximum) is what leaves no room, with another
     * endpoint holding some of it (only then can closing an idle connection elsewhere make room). The two counts
     * alone do not tell: commons-pool2 counts a slot in its total before it lists it under its endpoint when one is
     * taken, and after it unlists it when one is freed, so with a single endpoint at {@code maxTotal} they disagree
     * for a moment. Read as "full elsewhere", that made releasing callers close healthy connections for a caller of
     * another endpoint that did not exist (and open new ones): 18 to 28 connections made under {@code maxTotal(16)}
     * in 3 of 30 runs of {@code VirtualThreadCallersTest}. Also when {@code maxTotal} is below
     * {@code maxPerEndpoint} and only one endpoint is used. Slow path only (the pool is full): a list copy.
     */
    boolean fullElsewhere(Endpoint endpoint) {
        if (slots.getNumActive(endpoint) >= maxPerEndpoint || slots.getNumActive() < maxTotal) {
            return false;
        }
        // An endpoint is listed while it holds slots or a caller is taking one.
        for (Endpoint other : slots.getKeys()) {
            if (!other.equals(endpoint)) {
                return true;
            }
        }
        return false;
    }

    /** Frees the room of a destroyed connection. */
    void free(Slot slot) {
        try {
            slots.invalidateObject(slot.endpoint, slot);
        } catch (Exception e) {
            // Already invalidated or the pool is closed: the room is gone either way.
        }
    }


    void close() {
        slots.close();
    }
}
