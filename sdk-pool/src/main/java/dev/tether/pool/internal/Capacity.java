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

    /** Whether the client as a whole (not {@code endpoint}'s own maximum) is what leaves no room. */
    boolean fullElsewhere(Endpoint endpoint) {
        return slots.getNumActive(endpoint) < maxPerEndpoint && slots.getNumActive() >= maxTotal;
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
