package dev.tether.pool.internal;

import dev.tether.pool.DestroyReason;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.EvictionConfig;
import org.apache.commons.pool2.impl.EvictionPolicy;

/**
 * Decides, without any I/O, whether an idle connection should go: made with older TLS material, past its
 * jittered lifetime, or idle too long while more than the minimum are idle. Times are monotonic and kept by
 * Tether (commons-pool2's own idle times follow the wall clock, so they are not used).
 */
final class EvictionRules<Req, Resp> implements EvictionPolicy<PooledConnection<Req, Resp>> {
    private final ConnectionFactory<Req, Resp> factory;
    private final long maxIdleNanos;
    private final int minIdle;

    EvictionRules(ConnectionFactory<Req, Resp> factory, long maxIdleNanos, int minIdle) {
        this.factory = factory;
        this.maxIdleNanos = maxIdleNanos;
        this.minIdle = minIdle;
    }

    @Override
    public boolean evict(EvictionConfig config, PooledObject<PooledConnection<Req, Resp>> underTest, int idleCount) {
        PooledConnection<Req, Resp> pc = underTest.getObject();
        long now = System.nanoTime();
        if (pc.generation < factory.currentGeneration()) {
            pc.retire(DestroyReason.TLS_ROTATION);
            return true;
        }
        if (now - pc.expiresAtNanos >= 0) {
            pc.retire(DestroyReason.LIFETIME);
            return true;
        }
        if (now - pc.lastUsedNanos >= maxIdleNanos && idleCount > minIdle) {
            pc.retire(DestroyReason.IDLE);
            return true;
        }
        return false;
    }
}
