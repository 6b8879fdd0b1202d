package dev.tether.pool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event {@code dev.tether.ConnectionDestroyed}: A pooled connection was closed, and why. */
@Name("dev.tether.ConnectionDestroyed")
@Label("Tether Connection Destroyed")
@Category({"Tether"})
@Description("A pooled connection was closed, and why.")
@StackTrace(false)
public final class ConnectionDestroyedEvent extends Event {
    @Label("Client")
    public String client;

    @Label("Endpoint")
    public String endpoint;

    @Label("Reason")
    public String reason;

    @Label("Age")
    @Timespan(Timespan.NANOSECONDS)
    public long age;
}
