package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The client's endpoints, which may change while it runs. Readers (every call's pick, maintenance, stats) take
 * one immutable {@link View} with a single volatile read; changes are rare, made under a lock, and publish a new
 * view. An endpoint moves through three places:
 * <ul>
 *   <li><b>warming</b>: added, being warmed to the minimum idle count; calls go to it only when no serving
 *       endpoint can take them;</li>
 *   <li><b>serving</b>: takes its share of calls;</li>
 *   <li><b>draining</b>: removed; takes no new calls, its connections close as they come back, and it leaves the
 *       set once it has none (or the drain timeout closed them).</li>
 * </ul>
 * An endpoint removed and added again while still draining is taken back as it is (connections, breaker and
 * statistics kept).
 */
final class EndpointSet {
    /** One consistent picture of the set. Arrays are never modified after publication. */
    static final class View {
        final EndpointPool[] serving;
        final EndpointPool[] warming;
        /** Serving then warming: what a call may use. */
        final EndpointPool[] candidates;
        /** Candidates then draining: what maintenance, close and stats walk. */
        final EndpointPool[] all;
        final Map<Endpoint, EndpointPool> byEndpoint;
        /**
         * Whether calls count themselves in flight per endpoint: only a choice among several reads the count, so
         * a one-endpoint client saves two atomic updates per call (its stats take the client's count instead).
         */
        final boolean countsInFlight;

        private View(List<EndpointPool> serving, List<EndpointPool> warming, List<EndpointPool> draining) {
            this.serving = serving.toArray(EndpointPool[]::new);
            this.warming = warming.toArray(EndpointPool[]::new);
            List<EndpointPool> c = new ArrayList<>(serving);
            c.addAll(warming);
            this.candidates = c.toArray(EndpointPool[]::new);
            c.addAll(draining);
            this.all = c.toArray(EndpointPool[]::new);
            Map<Endpoint, EndpointPool> map = new LinkedHashMap<>();
            for (EndpointPool p : all) {
                map.put(p.endpoint, p);
            }
            this.byEndpoint = Map.copyOf(map);
            this.countsInFlight = candidates.length > 1;
        }

        List<Endpoint> endpoints() {
            List<Endpoint> out = new ArrayList<>(candidates.length);
            for (EndpointPool p : candidates) {
                out.add(p.endpoint);
            }
            return out;
        }
    }

    /** What one update did. */
    record Change(List<EndpointPool> added, List<EndpointPool> removed) {
        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private volatile View view;
    private final List<EndpointPool> serving = new ArrayList<>();
    private final List<EndpointPool> warming = new ArrayList<>();
    private final List<EndpointPool> draining = new ArrayList<>();

    EndpointSet(List<EndpointPool> initial) {
        serving.addAll(initial);
        publish();
    }

    View view() {
        return view;
    }

    /**
     * Makes {@code wanted} the set. New endpoints are made by {@code create} and start warming when
     * {@code warm} is true (serving otherwise); endpoints no longer wanted start draining at {@code nowNanos}.
     */
    Change update(Collection<Endpoint> wanted, Function<Endpoint, EndpointPool> create, boolean warm, long nowNanos) {
        lock.lock();
        try {
            LinkedHashSet<Endpoint> want = new LinkedHashSet<>(wanted);
            List<EndpointPool> added = new ArrayList<>();
            List<EndpointPool> removed = new ArrayList<>();
            for (List<EndpointPool> place : List.of(serving, warming)) {
                for (EndpointPool p : List.copyOf(place)) {
                    if (!want.contains(p.endpoint)) {
                        place.remove(p);
                        p.startDraining(nowNanos);
                        draining.add(p);
                        removed.add(p);
                    }
                }
            }
            for (Endpoint e : want) {
                if (find(serving, e) != null || find(warming, e) != null) {
                    continue;
                }
                EndpointPool back = find(draining, e);
                if (back != null) {
                    draining.remove(back);
                    back.stopDraining();
                    serving.add(back);
                    added.add(back);
                    continue;
                }
                EndpointPool p = create.apply(e);
                (warm ? warming : serving).add(p);
                added.add(p);
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                publish();
            }
            return new Change(List.copyOf(added), List.copyOf(removed));
        } finally {
            lock.unlock();
        }
    }

    /** A warming endpoint is warm: it takes its share of calls from now on. False if it is not warming. */
    boolean promote(EndpointPool p) {
        lock.lock();
        try {
            if (!warming.remove(p)) {
                return false;
            }
            serving.add(p);
            publish();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A draining endpoint has no connections left: it leaves the set. False if it is not draining. */
    boolean drained(EndpointPool p) {
        lock.lock();
        try {
            if (!draining.remove(p)) {
                return false;
            }
            publish();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isWarming(EndpointPool p) {
        View v = view;
        for (EndpointPool w : v.warming) {
            if (w == p) {
                return true;
            }
        }
        return false;
    }

    private static EndpointPool find(List<EndpointPool> place, Endpoint e) {
        for (EndpointPool p : place) {
            if (p.endpoint.equals(e)) {
                return p;
            }
        }
        return null;
    }

    private void publish() {
        view = new View(serving, warming, draining);
    }
}
