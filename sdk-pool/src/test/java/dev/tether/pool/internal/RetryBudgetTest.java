package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The retry budget allows a share of recent calls plus a reserve, and no more. */
class RetryBudgetTest {
    private final ManualTime time = new ManualTime();

    @Test
    void retriesAreAShareOfCalls() {
        RetryBudget budget = new RetryBudget(0.1, 0, 10, time);
        for (int i = 0; i < 100; i++) {
            budget.deposit(time.nanoTime());
        }
        int allowed = 0;
        while (budget.tryWithdraw()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(10);
    }

    @Test
    void aQuietClientStillHasTheReserve() {
        RetryBudget budget = new RetryBudget(0.2, 5, 2, time);
        int allowed = 0;
        while (budget.tryWithdraw() && allowed < 1000) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(10);
        assertThat(budget.balance()).isLessThan(1.0);
    }

    @Test
    void backoffIsFullJitterUnderAnExponentialCap() {
        RetryRules rules = new RetryRules(dev.tether.pool.RetrySettings.builder()
                .initialBackoff(java.time.Duration.ofMillis(10)).maxBackoff(java.time.Duration.ofMillis(35)).build(),
                new Listeners(java.util.List.of()), time);
        long max1 = 0;
        long max3 = 0;
        for (int i = 0; i < 2000; i++) {
            long b1 = rules.backoffNanos(1) / 1_000_000;
            long b3 = rules.backoffNanos(3) / 1_000_000;
            assertThat(b1).isBetween(0L, 10L);
            assertThat(b3).isBetween(0L, 35L);
            max1 = Math.max(max1, b1);
            max3 = Math.max(max3, b3);
        }
        assertThat(max1).isGreaterThan(5);
        assertThat(max3).isGreaterThan(20);
    }

    @Test
    void depositsAgeOutOfTheWindowAsTheClockMoves() {
        RetryBudget budget = new RetryBudget(0.5, 0, 2, time);
        for (int i = 0; i < 10; i++) {
            budget.deposit(time.nanoTime());
        }
        assertThat(budget.balance()).isEqualTo(5.0);
        time.advance(java.time.Duration.ofSeconds(3));
        assertThat(budget.balance()).isZero();
        assertThat(budget.tryWithdraw()).isFalse();
    }
}
