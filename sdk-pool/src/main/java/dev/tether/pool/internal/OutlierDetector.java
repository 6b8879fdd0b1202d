package dev.tether.pool.internal;

import dev.tether.pool.CircuitBreakerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure-rate outlier rule (see {@link CircuitBreakerSettings}), run by maintenance once per interval: an
 * endpoint that failed at least {@link #MIN_RATE} of at least {@link #MIN_ATTEMPTS} attempts in the window, and
 * at least {@link #RATIO} times as often as the other endpoints together, has its breaker opened, unless the
 * share of endpoints already open would pass {@code maxEjectionPercent}. It only opens breakers: the open period,
 * the probes that close it and the panic threshold are the breaker's, so each endpoint has one decision.
 */
final class OutlierDetector {
    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

    static final int MIN_ATTEMPTS = 10;
    static final double MIN_RATE = 0.2;
    static final double RATIO = 3.0;

    private final String clientName;
    private final boolean enabled;
    private final int maxEjectionPercent;

    OutlierDetector(String clientName, CircuitBreakerSettings settings) {
        this.clientName = clientName;
        this.enabled = settings.enabled() && settings.outlierEjection();
        this.maxEjectionPercent = settings.maxEjectionPercent();
    }

    /**
     * Looks at the outcomes since the window began; call from the maintenance thread only. A window closes once
     * the endpoints together made {@link #MIN_ATTEMPTS} attempts each on average (so a quiet client still gets a
     * verdict, later); until then the counts accumulate.
     */
    void run(EndpointPool[] candidates) {
        int n = candidates.length;
        long[] ok = new long[n];
        long[] failed = new long[n];
        long totalOk = 0;
        long totalFailed = 0;
        for (int i = 0; i < n; i++) {
            EndpointPool p = candidates[i];
            ok[i] = Math.max(0, p.outcomesOk.sum() - p.seenOk);
            failed[i] = Math.max(0, p.outcomesFailed.sum() - p.seenFailed);
            totalOk += ok[i];
            totalFailed += failed[i];
        }
        if (enabled && n >= 2 && totalOk + totalFailed < (long) MIN_ATTEMPTS * n) {
            return; // the window stays open
        }
        for (int i = 0; i < n; i++) {
            candidates[i].seenOk += ok[i];
            candidates[i].seenFailed += failed[i];
        }
        if (!enabled || n < 2) {
            return; // a lone endpoint is never an outlier
        }
        int open = 0;
        for (EndpointPool p : candidates) {
            if (p.breakerOpen()) {
                open++;
            }
        }
        int maxOpen = Math.max(1, n * maxEjectionPercent / 100);
        for (int i = 0; i < n && open < maxOpen; i++) {
            long attempts = ok[i] + failed[i];
            if (attempts < MIN_ATTEMPTS) {
                continue;
            }
            double rate = (double) failed[i] / attempts;
            long otherAttempts = (totalOk + totalFailed) - attempts;
            double others = otherAttempts == 0 ? 0 : (double) (totalFailed - failed[i]) / otherAttempts;
            if (rate >= MIN_RATE && rate >= RATIO * others && candidates[i].openBreaker()) {
                open++;
                LOG.warn("client {}: {} ejected as an outlier: {}% of {} attempts failed in the last interval, {}% "
                        + "elsewhere; its breaker is open and probes decide when it is back", clientName,
                        candidates[i], Math.round(rate * 100), attempts, Math.round(others * 100));
            }
        }
    }
}
