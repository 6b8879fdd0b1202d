package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Freed room wakes a different waiter each time: three connections destroyed at once (a restarting server drops
 * them together) must wake the three oldest waiters, not the oldest one three times while it has not run yet,
 * which left the others parked until their acquire timeout. {@code BurstOfFreedRoomTest} shows the same through
 * the client, where the race is usually won by the woken thread; this checks the rule itself.
 */
class WaitersTest {

    @Test
    void eachWakeUpGoesToTheOldestWaiterNotYetWoken() {
        Waiters waiters = new Waiters();
        Waiters.Waiter first = waiters.enqueue();
        Waiters.Waiter second = waiters.enqueue();
        Waiters.Waiter third = waiters.enqueue();

        assertThat(waiters.wakeOldest()).isTrue();
        assertThat(first.signalled).isTrue();
        assertThat(second.signalled).isFalse();
        assertThat(waiters.wakeOldest()).isTrue();
        assertThat(second.signalled).isTrue();
        assertThat(third.signalled).isFalse();
        assertThat(waiters.wakeOldest()).isTrue();
        assertThat(third.signalled).isTrue();
        assertThat(waiters.wakeOldest()).as("everyone is already awake").isFalse();

        // The first looks again (clearing its mark) and parks: the next freed room may wake it again.
        first.signalled = false;
        assertThat(waiters.wakeOldest()).isTrue();
        assertThat(first.signalled).isTrue();
    }

    @Test
    void aHandOffServesTheOldestWaiterWhetherOrNotItWasWoken() {
        Waiters waiters = new Waiters();
        Waiters.Waiter first = waiters.enqueue();
        Waiters.Waiter second = waiters.enqueue();
        assertThat(waiters.wakeOldest()).isTrue();
        assertThat(waiters.handOff(null)).isTrue();
        assertThat(first.served).isTrue();
        assertThat(waiters.leave(first)).as("served waiters take what they were handed").isFalse();
        assertThat(waiters.leave(second)).isTrue();
        assertThat(waiters.isEmpty()).isTrue();
    }
}
