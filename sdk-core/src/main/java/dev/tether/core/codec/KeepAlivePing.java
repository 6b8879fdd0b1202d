package dev.tether.core.codec;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * An application-level ping: the request to send on an idle connection and how to recognise a healthy
 * reply (RESP {@code PING} answered by {@code +PONG}, say).
 *
 * @param request the ping to send
 * @param isHealthyReply true for a reply that proves the peer alive and in sync
 */
public record KeepAlivePing<Req, Resp>(Req request, Predicate<? super Resp> isHealthyReply) {
    public KeepAlivePing {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(isHealthyReply, "isHealthyReply");
    }
}
