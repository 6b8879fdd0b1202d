package dev.tether.it.support;

import static dev.tether.core.codec.RespValue.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.codec.RespValue;
import dev.tether.pool.CallOptions;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Redis itself says happened, for the fault ITs that give every non-idempotent call its own counter
 * ({@code INCR exec:<seq>}): the counters' values, and the check that each call's reported fate matches them.
 * Redis is the witness that a request the client called "not sent" never ran and that nothing ran twice.
 */
public final class RedisLedger {
    private static final int BATCH = 500;

    private RedisLedger() {
    }

    /** The numeric values of the {@code prefix<seq>} keys that exist, by seq, read with MGET in batches. */
    public static Map<Long, Long> values(TetherClient<RespValue, RespValue> client, String prefix, List<Long> seqs)
            throws TetherException {
        Map<Long, Long> values = new HashMap<>();
        for (int from = 0; from < seqs.size(); from += BATCH) {
            List<Long> batch = seqs.subList(from, Math.min(seqs.size(), from + BATCH));
            List<String> args = new ArrayList<>();
            args.add("MGET");
            batch.forEach(seq -> args.add(prefix + seq));
            List<RespValue> replies = client.call(command(args.toArray(new String[0])),
                    CallOptions.timeout(Duration.ofSeconds(10)).idempotent()).asList();
            for (int i = 0; i < batch.size(); i++) {
                if (!replies.get(i).isNull()) {
                    values.put(batch.get(i), replies.get(i).asLong());
                }
            }
        }
        return values;
    }

    /** How many times each seq's {@code exec:<seq>} counter was incremented on the server (0 when absent). */
    public static Map<Long, Long> executions(TetherClient<RespValue, RespValue> client, List<Long> seqs)
            throws TetherException {
        Map<Long, Long> values = values(client, "exec:", seqs);
        Map<Long, Long> counts = new HashMap<>();
        for (Long seq : seqs) {
            counts.put(seq, values.getOrDefault(seq, 0L));
        }
        return counts;
    }

    /**
     * Asserts that {@code INCR exec:<seq>}, which ran {@code ran} times on the server, ended as the client said:
     * at most once in any case; once if it succeeded (with reply 1); never if it failed as not sent.
     *
     * @param reply the call's reply, null when it failed
     * @param error the call's failure, null when it succeeded
     */
    public static void assertFateMatches(long seq, long ran, RespValue reply, TetherException error) {
        assertThat(ran).as("times INCR %d ran on the server", seq).isBetween(0L, 1L);
        if (error == null) {
            assertThat(reply.asLong()).isEqualTo(1);
            assertThat(ran).as("INCR %d succeeded, so it ran", seq).isEqualTo(1);
        } else if (error.requestState() == RequestState.NOT_SENT) {
            assertThat(ran).as("INCR %d failed as not sent (%s), so it must not have run", seq, error).isZero();
        }
    }
}
