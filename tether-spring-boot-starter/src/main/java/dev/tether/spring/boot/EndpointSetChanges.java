package dev.tether.spring.boot;

import dev.tether.core.Endpoint;
import dev.tether.pool.TetherClientListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the starter's parts that follow a client's endpoint set (its metrics) when the set changes, which a DNS
 * source does at run time. A client takes its listeners when it is built, before those parts exist, so the
 * factory installs one of these per client and the parts register with it later.
 */
final class EndpointSetChanges implements TetherClientListener {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSetChanges.class);

    private final List<Runnable> followers = new CopyOnWriteArrayList<>();

    /** Runs {@code follower} after every change of the endpoint set, on the thread that changed it. */
    void onChange(Runnable follower) {
        followers.add(follower);
    }

    @Override
    public void endpointsChanged(List<Endpoint> added, List<Endpoint> removed) {
        for (Runnable follower : followers) {
            try {
                follower.run();
            } catch (RuntimeException e) {
                // One follower failing (a meter registry refusing a meter) must not keep the others behind.
                LOG.warn("could not follow the endpoint change (added {}, removed {}): {}", added, removed, e.toString());
            }
        }
    }
}
