package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.testing.DeadlineStress;
import dev.tether.core.testing.TrickleServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A reply still trickling in when the deadline passes ends the call with a read timeout, every time: never with
 * the "connection closed locally" that the watchdog's own close used to leave behind when it fired just as a
 * read returned bytes (the framing layer then read again and found the connection closed).
 */
class TrickledReplyDeadlineTest {
    /** Tries: the race it guards against hit a few percent of tries, so a thousand show it many times over. */
    private static final int TRIES = 1_000;
    private static final int PARALLEL = 8;
    /** Short, so a thousand tries take seconds; still above the watchdog's 10 ms tick. */
    private static final Duration DEADLINE = Duration.ofMillis(25);
    /** A byte every ~100 microseconds keeps a read returning data most of the time, where the race lives. */
    private static final Duration TRICKLE = Duration.ofNanos(100_000);

    @Test
    void everyTrickledReplyPastItsDeadlineIsAReadTimeout() throws Exception {
        try (TrickleServer server = TrickleServer.start(TRICKLE)) {
            DeadlineStress.Tally tally = DeadlineStress.run(SocketConnector.create(), server.endpoint(), TRIES,
                    PARALLEL, DEADLINE);

            assertThat(tally.count(DeadlineStress.READ_TIMEOUT)).as("outcomes: %s", tally).isEqualTo(TRIES);
        }
    }

    /**
     * The branch the race takes, made deterministic: a read after the watchdog ended an earlier one on this
     * connection is part of the same timed-out exchange and reports the timeout, not the watchdog's close.
     */
    @Test
    void readAfterTheWatchdogEndedAReadReportsTheTimeout() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.create().connect(listener.endpoint());
             Connection silent = listener.accept()) {
            TimedOutException first = catchThrowableOfType(TimedOutException.class,
                    () -> client.read(ByteBuffer.allocate(8), Deadline.after(Duration.ofMillis(30))));

            TimedOutException again = catchThrowableOfType(TimedOutException.class,
                    () -> client.read(ByteBuffer.allocate(8), Deadline.after(Duration.ofSeconds(5))));

            assertThat(again.phase()).isEqualTo(TimedOutException.Phase.READ);
            assertThat(again.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(again.timeout()).isEqualTo(Duration.ofMillis(30));
            assertThat(again).hasCause(first);
            assertThat(client.isBroken()).isTrue();
        }
    }
}
