package dev.tether.pool;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/** The client was closed before the call could start; nothing was sent. */
public final class ClientClosedException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ClientClosedException(String clientName) {
        super("client " + clientName + " is closed", null, RequestState.NOT_SENT, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
