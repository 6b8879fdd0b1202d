package dev.tether.pool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event {@code dev.tether.Acquire}: A caller got a pooled connection after waiting this long (a new connection's connect time included). */
@Name("dev.tether.Acquire")
@Label("Tether Acquire")
@Category({"Tether"})
@Description("A caller got a pooled connection after waiting this long (a new connection's connect time included).")
@StackTrace(false)
public final class AcquireEvent extends Event {
    @Label("Client")
    public String client;

    @Label("Endpoint")
    public String endpoint;

    @Label("Wait")
    @Timespan(Timespan.NANOSECONDS)
    public long waitTime;

    @Label("Reused")
    @Description("Whether the connection had been used before")
    public boolean reused;
}
