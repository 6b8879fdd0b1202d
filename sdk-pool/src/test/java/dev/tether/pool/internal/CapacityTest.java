package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * When the client's room is "full elsewhere": only when its total is reached, the endpoint's own maximum is not, and
 * another endpoint holds some of the room. A caller that judges so makes releasing callers close their connections
 * for it, so a wrong yes closes healthy connections.
 */
class CapacityTest {
    private static final Endpoint A = Endpoint.parse("127.0.0.1:7001");
    private static final Endpoint B = Endpoint.parse("127.0.0.1:7002");

    @Test
    void oneEndpointAtTheClientsTotalIsNotFullElsewhere() {
        Capacity capacity = new Capacity(4, 2);
        assertThat(capacity.tryTake(A)).isNotNull();
        assertThat(capacity.tryTake(A)).isNotNull();
        assertThat(capacity.tryTake(A)).as("the client's total is reached").isNull();
        assertThat(capacity.fullElsewhere(A)).as("no other endpoint holds room to give back").isFalse();
        capacity.close();
    }

    @Test
    void anotherEndpointHoldingRoomAtTheClientsTotalIsFullElsewhere() {
        Capacity capacity = new Capacity(4, 2);
        Slot b = capacity.tryTake(B);
        assertThat(capacity.tryTake(A)).isNotNull();
        assertThat(capacity.tryTake(A)).isNull();
        assertThat(capacity.fullElsewhere(A)).isTrue();

        capacity.free(b);
        assertThat(capacity.fullElsewhere(A)).as("room again").isFalse();
        assertThat(capacity.tryTake(A)).isNotNull();
        assertThat(capacity.fullElsewhere(A)).as("A alone holds the total").isFalse();
        capacity.close();
    }

    @Test
    void anEndpointAtItsOwnMaximumIsNotFullElsewhere() {
        Capacity capacity = new Capacity(1, 2);
        assertThat(capacity.tryTake(A)).isNotNull();
        assertThat(capacity.tryTake(B)).isNotNull();
        assertThat(capacity.fullElsewhere(A)).as("its own maximum leaves it no room, whatever others hold").isFalse();
        capacity.close();
    }
}
