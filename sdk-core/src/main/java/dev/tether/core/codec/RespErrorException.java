package dev.tether.core.codec;

import dev.tether.core.ErrorReplyException;
import java.util.Objects;

/**
 * A RESP error reply ({@code -ERR unknown command}, {@code -WRONGTYPE ...}) as an exception, from a codec made
 * with {@link RespCodec#withErrorRepliesAsExceptions()}. Never retried and not a breaker failure (see
 * {@link ErrorReplyException}).
 */
public final class RespErrorException extends ErrorReplyException {
    private static final long serialVersionUID = 1L;

    private final RespValue.SimpleError reply;

    public RespErrorException(RespValue.SimpleError reply) {
        super("the server replied with an error: " + Objects.requireNonNull(reply, "reply").message(), null);
        this.reply = reply;
    }

    /** The reply as received. */
    public RespValue.SimpleError reply() {
        return reply;
    }

    /** The error's first word, which Redis uses as its kind: {@code ERR}, {@code WRONGTYPE}, {@code MOVED}. */
    public String code() {
        return reply.code();
    }
}
