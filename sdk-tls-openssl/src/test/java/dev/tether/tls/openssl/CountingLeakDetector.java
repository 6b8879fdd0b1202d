package dev.tether.tls.openssl;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * netty's own leak detector at {@code paranoid} (every object tracked), also counting, per resource type, the
 * objects tracked and not yet released, and collecting the leaks it reports. Must be installed before netty
 * creates its detectors, that is before the first OpenSSL context or engine class loads.
 */
final class CountingLeakDetector<T> extends ResourceLeakDetector<T> {
    static final ConcurrentHashMap<String, AtomicLong> OPEN = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, AtomicLong> CREATED = new ConcurrentHashMap<>();
    static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private final String type;

    private CountingLeakDetector(Class<T> resource, int samplingInterval) {
        super(resource, samplingInterval);
        this.type = resource.getSimpleName();
    }

    /** Installs the detector for everything netty creates from now on. */
    static void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <R> ResourceLeakDetector<R> newResourceLeakDetector(Class<R> resource, int samplingInterval,
                                                                         long maxActive) {
                return new CountingLeakDetector<>(resource, samplingInterval);
            }
        });
    }

    static long open(String type) {
        AtomicLong n = OPEN.get(type);
        return n == null ? 0 : n.get();
    }

    static long created(String type) {
        AtomicLong n = CREATED.get(type);
        return n == null ? 0 : n.get();
    }

    @Override
    public ResourceLeakTracker<T> track(T obj) {
        return counted(super.track(obj));
    }

    @Override
    public ResourceLeakTracker<T> trackForcibly(T obj) {
        return counted(super.trackForcibly(obj));
    }

    private ResourceLeakTracker<T> counted(ResourceLeakTracker<T> tracker) {
        if (tracker == null) {
            return null;
        }
        OPEN.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
        CREATED.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
        return new ResourceLeakTracker<>() {
            @Override
            public void record() {
                tracker.record();
            }

            @Override
            public void record(Object hint) {
                tracker.record(hint);
            }

            @Override
            public boolean close(T trackedObject) {
                boolean closed = tracker.close(trackedObject);
                if (closed) {
                    OPEN.get(type).decrementAndGet();
                }
                return closed;
            }
        };
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + ": " + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType);
    }
}
