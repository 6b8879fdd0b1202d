package dev.tether.pool;

/** How a client with several endpoints picks one for each call (endpoints whose breaker is open are skipped). */
public enum LoadBalancing {
    /**
     * The default: two endpoints drawn at random, and the one with the lower expected wait wins: its calls in
     * flight (plus this one) times a moving average of its latency over about the last second (Finagle's P2C with
     * EWMA). Spreads load evenly among equal endpoints, and away from a slow one, without herding onto whichever
     * looks idle.
     */
    P2C_EWMA,
    /** Each endpoint in turn. */
    ROUND_ROBIN,
    /** The endpoint with the fewest calls in flight; ties go round robin. */
    LEAST_IN_FLIGHT
}
