package dev.tether.cli.bench;

/** The request/response protocols {@code tether bench} speaks. */
public enum BenchProtocol {
    /** Newline-terminated text lines; the reply must be the same line. */
    LINE,
    /** 4-byte length-prefixed binary frames; the reply must be the same bytes. */
    LENGTH,
    /**
     * Redis RESP2: {@code ECHO <payload>}; the reply must be the payload (Redis, Valkey) or the request
     * itself (a raw echo server).
     */
    RESP
}
