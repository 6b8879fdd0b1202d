package dev.tether.pool.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.tether.Call}: A call (or the taking of a lease) with all its attempts; the duration covers retries and backoff. */
@Name("dev.tether.Call")
@Label("Tether Call")
@Category({"Tether"})
@Description("A call (or the taking of a lease) with all its attempts; the duration covers retries and backoff.")
@StackTrace(false)
public final class CallEvent extends Event {
    @Label("Client")
    public String client;

    @Label("Endpoint")
    public String endpoint;

    @Label("Attempts")
    public int attempts;

    @Label("Idempotent")
    public boolean idempotent;

    @Label("Succeeded")
    public boolean succeeded;

    @Label("Failure")
    @Description("The exception type and message; empty on success")
    public String failure;

    @Label("Request State")
    @Description("On failure: MAY_HAVE_BEEN_SENT when the request may have reached the server, else NOT_SENT")
    public String requestState;
}
