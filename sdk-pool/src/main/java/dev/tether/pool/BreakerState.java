package dev.tether.pool;

/** The state of one endpoint's circuit breaker. */
public enum BreakerState {
    /** Calls flow normally. */
    CLOSED,
    /** Calls go around this endpoint until the open period ends. */
    OPEN,
    /** A few probe calls decide whether to close again. */
    HALF_OPEN,
    /** Circuit breaking is turned off. */
    DISABLED
}
