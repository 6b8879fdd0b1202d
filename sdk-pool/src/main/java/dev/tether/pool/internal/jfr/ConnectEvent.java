package dev.tether.pool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.tether.Connect}: A pooled connection was opened: the TCP connect and, with TLS, the handshake (the event's duration). */
@Name("dev.tether.Connect")
@Label("Tether Connect")
@Category({"Tether"})
@Description("A pooled connection was opened: the TCP connect and, with TLS, the handshake (the event's duration).")
@StackTrace(false)
public final class ConnectEvent extends Event {
    @Label("Client")
    public String client;

    @Label("Endpoint")
    public String endpoint;

    @Label("TLS")
    public boolean tls;
}
