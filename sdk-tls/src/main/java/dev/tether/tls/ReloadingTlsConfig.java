package dev.tether.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TlsMaterialSource} that watches the files of a config (certificates, keys, CA bundles, stores)
 * and swaps in freshly loaded material when they change, for certificate rotation without restarts.
 *
 * <p>Files are compared by content, read through any symlinks, so Kubernetes' atomic {@code ..data} symlink
 * swap for mounted secrets is seen like any other change. New material is used for new connections only;
 * the {@link #generation()} rises so a pool can retire older connections. When the new files cannot be
 * used (half-written, wrong password, key not matching the certificate) the last good material stays in
 * force and the reason is logged once (never the key material itself); the next change is tried again.
 * A warning is logged when this side's certificate is within {@link Builder#expiryWarning(Duration)} of
 * its expiry.
 */
public final class ReloadingTlsConfig implements TlsMaterialSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTlsConfig.class);

    private final TlsConfig.Builder recipe;
    private final List<Path> files;
    private final Duration expiryWarning;
    private final Clock clock;
    private final Consumer<String> expiryObserver;
    private final AtomicReference<Snapshot> current;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final ScheduledExecutorService poller;
    private final Set<String> expiryWarned = new HashSet<>();
    private Map<Path, String> fingerprints;
    private volatile String lastFailure;

    private ReloadingTlsConfig(Builder b) {
        // Fingerprint before loading (as checkNow() does): a file replaced in between then looks changed and is
        // loaded again, instead of its new content being recorded as already in force.
        Map<Path, String> before = fingerprint(b.recipe.files());
        TlsConfig initial = b.recipe.build();
        this.recipe = initial.toBuilder();
        this.files = initial.files();
        this.expiryWarning = b.expiryWarning;
        this.clock = b.clock;
        this.expiryObserver = b.expiryObserver;
        this.fingerprints = before;
        this.current = new AtomicReference<>(new Snapshot(initial, 1));
        warnIfExpiring(initial);
        if (files.isEmpty()) {
            log.info("TLS config has no files to watch; material stays as built");
            poller = null;
        } else {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tether-tls-reload");
                t.setDaemon(true);
                return t;
            });
            long millis = b.pollInterval.toMillis();
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts building a reloading source from {@code recipe}; its files are read once at
     * {@link Builder#start()}, which fails if they cannot be used.
     */
    public static Builder watching(TlsConfig.Builder recipe) {
        return new Builder(recipe);
    }

    @Override
    public Snapshot current() {
        return current.get();
    }

    /** The config new connections use. */
    public TlsConfig config() {
        return current.get().config();
    }

    /** The files being watched. */
    public List<Path> files() {
        return files;
    }

    /** Why the latest change could not be used, while the previous material stays in force. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Checks the files now instead of waiting for the next poll (also handy on a SIGHUP-style signal).
     *
     * @return true when new material took effect
     */
    public boolean checkNow() {
        reloadLock.lock();
        try {
            Map<Path, String> now = fingerprint(files);
            if (now.equals(fingerprints)) {
                warnIfExpiring(current.get().config());
                return false;
            }
            TlsConfig fresh;
            try {
                fresh = recipe.build();
            } catch (RuntimeException e) {
                String reason = String.valueOf(e.getMessage());
                if (!reason.equals(lastFailure)) {
                    log.warn("TLS files changed but cannot be used; keeping generation {}: {}",
                            current.get().generation(), reason);
                }
                lastFailure = reason;
                return false;
            }
            Snapshot next = new Snapshot(fresh, current.get().generation() + 1);
            current.set(next);
            fingerprints = now;
            lastFailure = null;
            log.info("TLS material reloaded from {} (generation {}{})", files, next.generation(),
                    fresh.leafCertificate().map(c -> ", certificate '" + c.getSubjectX500Principal().getName()
                            + "' valid until " + c.getNotAfter().toInstant()).orElse(""));
            warnIfExpiring(fresh);
            return true;
        } finally {
            reloadLock.unlock();
        }
    }

    private void poll() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            log.warn("checking TLS files {} failed: {}", files, e.toString());
        }
    }

    private void warnIfExpiring(TlsConfig config) {
        Optional<X509Certificate> leaf = config.leafCertificate();
        if (leaf.isEmpty()) {
            return;
        }
        X509Certificate cert = leaf.get();
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration left = Duration.between(clock.instant(), notAfter);
        if (left.compareTo(expiryWarning) > 0) {
            return;
        }
        String key = cert.getIssuerX500Principal().getName() + "#" + cert.getSerialNumber() + (left.isNegative() ? "!" : "");
        if (!expiryWarned.add(key)) {
            return;
        }
        String subject = cert.getSubjectX500Principal().getName();
        String message;
        if (left.isNegative()) {
            message = "TLS certificate '" + subject + "' expired at " + notAfter + "; peers will reject it. Replace the files "
                    + files;
            log.error(message);
        } else {
            message = "TLS certificate '" + subject + "' expires at " + notAfter + " (in " + left.toHours()
                    + "h); renew it, the new files are picked up automatically";
            log.warn(message);
        }
        expiryObserver.accept(message);
    }

    private static Map<Path, String> fingerprint(List<Path> files) {
        Map<Path, String> result = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                result.put(file, HexFormat.of().formatHex(digest));
            } catch (IOException e) {
                result.put(file, "unreadable: " + e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
        }
        return result;
    }

    /** Stops watching; the current material stays usable. */
    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ReloadingTlsConfig[" + files + ", generation " + current.get().generation() + "]";
    }

    /** Settings for a {@link ReloadingTlsConfig}. */
    public static final class Builder {
        private final TlsConfig.Builder recipe;
        private Duration pollInterval = Duration.ofSeconds(10);
        private Duration expiryWarning = Duration.ofDays(14);
        private Clock clock = Clock.systemUTC();
        private Consumer<String> expiryObserver = message -> { };

        private Builder(TlsConfig.Builder recipe) {
            this.recipe = Objects.requireNonNull(recipe, "recipe");
        }

        /** How often the files are checked; 10s by default. */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "pollInterval");
            if (interval.toMillis() < 1) {
                throw new TlsConfigException("pollInterval must be at least 1ms: " + interval);
            }
            pollInterval = interval;
            return this;
        }

        /** How long before expiry this side's certificate is warned about; 14 days by default. */
        public Builder expiryWarning(Duration window) {
            Objects.requireNonNull(window, "expiryWarning");
            if (window.isNegative()) {
                throw new TlsConfigException("expiryWarning must not be negative: " + window);
            }
            expiryWarning = window;
            return this;
        }

        /** The clock expiry is measured against; a seam for tests, which advance a clock of their own. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Also hands every expiry warning, as logged, to {@code observer}; a seam for tests, which cannot read the log. */
        Builder onExpiryWarning(Consumer<String> observer) {
            this.expiryObserver = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * Loads the material and starts watching.
         *
         * @throws TlsConfigException when the files cannot be used at all
         */
        public ReloadingTlsConfig start() {
            return new ReloadingTlsConfig(this);
        }
    }
}
