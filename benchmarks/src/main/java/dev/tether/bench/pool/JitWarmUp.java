package dev.tether.bench.pool;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Uncounted warm-up for the interleaved comparisons: runs rounds until the JIT is quiet, that is until two rounds
 * in a row spent at most {@value #QUIET_MILLIS_PER_ROUND} ms compiling (at most {@value #MAX_ROUNDS} rounds). On
 * two cores a compiler thread at work takes a core from the callers and the server, and it compiles whichever
 * contender's code it reached: measured on 2026-12-07, the JIT compiled for 50-360 ms in each of the first 18
 * echo rounds of about 110 ms, and took 45% of the process's CPU samples in a 5-round Redis run. A comparison
 * that counts those rounds measures the compiler as much as the contenders.
 */
final class JitWarmUp {
    static final long QUIET_MILLIS_PER_ROUND = 5;
    static final int MAX_ROUNDS = 200;

    /** One uncounted round of every contender. */
    @FunctionalInterface
    interface Round {
        void run(int round) throws Exception;
    }

    private JitWarmUp() {
    }

    /** Runs {@code round} until the JIT is quiet; returns a line saying how long that took. */
    static String untilQuiet(Round round) throws Exception {
        long start = System.nanoTime();
        long jitAtStart = compileMillis();
        int quietInARow = 0;
        int rounds = 0;
        while (quietInARow < 2 && rounds < MAX_ROUNDS) {
            long jit = compileMillis();
            round.run(rounds);
            quietInARow = compileMillis() - jit <= QUIET_MILLIS_PER_ROUND ? quietInARow + 1 : 0;
            rounds++;
        }
        return String.format(Locale.ROOT, "warm-up: %d rounds in %.1f s, %d ms of JIT compiling%s", rounds,
                (System.nanoTime() - start) / 1e9, compileMillis() - jitAtStart,
                quietInARow < 2 ? " (the JIT was still busy at the end of it)" : "");
    }

    /** Time the JIT spent compiling so far, all compiler threads. */
    static long compileMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }
}
