package dev.tether.pool;

/** How a client with several endpoints picks one for each call (endpoints whose breaker is open are skipped). */
public enum LoadBalancing {
    /** Each endpoint in turn. */
    ROUND_ROBIN,
    /** The endpoint with the fewest calls in flight; ties go round robin. */
    LEAST_IN_FLIGHT
}
