package dev.tether.pool.internal;

import dev.tether.core.Endpoint;

/**
 * Room for one connection, as commons-pool2 counts it. commons-pool2 is the pool of record for capacity: a
 * caller that needs a new connection borrows a slot (which fails at once when the endpoint or the client is at
 * its maximum), connects on its own thread within its own deadline, and the slot stays borrowed for the whole
 * life of that connection; destroying the connection invalidates the slot, which frees the room. Handing a live
 * connection from caller to caller never touches commons-pool2 (see sdk-pool/DESIGN.md for why).
 */
final class Slot {
    final Endpoint endpoint;

    Slot(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String toString() {
        return "Slot[" + endpoint + "]";
    }
}
