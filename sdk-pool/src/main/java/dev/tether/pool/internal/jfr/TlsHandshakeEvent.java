package dev.tether.pool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.tether.TlsHandshake}: What a new connection's TLS handshake negotiated; the duration covers the TCP connect and the handshake. */
@Name("dev.tether.TlsHandshake")
@Label("Tether TLS Handshake")
@Category({"Tether"})
@Description("What a new connection's TLS handshake negotiated; the duration covers the TCP connect and the handshake.")
@StackTrace(false)
public final class TlsHandshakeEvent extends Event {
    @Label("Client")
    public String client;

    @Label("Endpoint")
    public String endpoint;

    @Label("Protocol")
    public String protocol;

    @Label("Cipher Suite")
    public String cipherSuite;

    @Label("ALPN")
    public String applicationProtocol;

    @Label("Resumed")
    @Description("Whether an earlier session was resumed instead of a full handshake")
    public boolean resumed;

    @Label("Peer")
    public String peerSubject;
}
