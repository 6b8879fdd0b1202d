package dev.tether.spring.boot;

import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsMaterialSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;

/**
 * A client's TLS material from a Spring SSL bundle that follows the bundle's updates (a bundle with
 * {@code reload-on-update=true} whose files changed, or an {@code SslBundleRegistry#updateBundle} call): each update
 * becomes a new generation, so new connections use the new material and the pool retires idle connections made
 * with the old one. An update Tether rejects is logged and the previous material stays in use.
 */
final class SslBundleMaterialSource implements TlsMaterialSource {
    private static final Logger LOG = LoggerFactory.getLogger(SslBundleMaterialSource.class);

    private final String description;
    private volatile Snapshot current;

    SslBundleMaterialSource(String description, TlsConfig initial) {
        this.description = description;
        this.current = new Snapshot(initial, 1);
    }

    @Override
    public Snapshot current() {
        return current;
    }

    /** Takes the bundle's new material; called by Spring Boot on the thread that saw the change. */
    void update(SslBundle bundle) {
        TlsConfig next;
        try {
            next = SslBundleTls.from(bundle);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: the updated SSL bundle is not usable ({}); new connections keep the previous material",
                    description, e.getMessage());
            return;
        }
        // Spring Boot delivers a bundle's updates one at a time; the lock only keeps generations strictly rising.
        synchronized (this) {
            current = new Snapshot(next, current.generation() + 1);
        }
        LOG.info("{}: SSL bundle updated; new connections use generation {}", description, current.generation());
    }
}
