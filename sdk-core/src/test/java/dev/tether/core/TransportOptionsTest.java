package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportOptionsTest {

    @Test
    void defaultsAreTheOnesTheJavadocPromises() {
        TransportOptions o = TransportOptions.defaults();
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.tcpNoDelay()).isTrue();
        assertThat(o.keepAlive()).isTrue();
        assertThat(o.keepAliveIdle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.keepAliveCount()).isEqualTo(5);
        assertThat(o.sendBufferSize()).isZero();
        assertThat(o.receiveBufferSize()).isZero();
    }

    @Test
    void rejectsBadValuesNamingThem() {
        TransportOptions.Builder b = TransportOptions.builder();
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.readTimeout(Duration.ofMillis(-5))).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> b.keepAliveIdle(Duration.ofMillis(1500))).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> b.keepAliveCount(0)).hasMessageContaining("keepAliveCount").hasMessageContaining("0");
        assertThatThrownBy(() -> b.sendBufferSize(-1)).hasMessageContaining("sendBufferSize");
        assertThatThrownBy(() -> b.writeTimeout(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("writeTimeout");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        // Every setting away from its default, so a copy that dropped one would show it.
        TransportOptions o = TransportOptions.builder().connectTimeout(Duration.ofMillis(250))
                .readTimeout(Duration.ofMillis(1250)).writeTimeout(Duration.ofMillis(2250)).tcpNoDelay(false)
                .keepAlive(false).keepAliveIdle(Duration.ofSeconds(7)).keepAliveInterval(Duration.ofSeconds(3))
                .keepAliveCount(3).sendBufferSize(32768).receiveBufferSize(65536).build();
        TransportOptions copy = o.toBuilder().build();
        assertThat(copy.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(copy.readTimeout()).isEqualTo(Duration.ofMillis(1250));
        assertThat(copy.writeTimeout()).isEqualTo(Duration.ofMillis(2250));
        assertThat(copy.tcpNoDelay()).isFalse();
        assertThat(copy.keepAlive()).isFalse();
        assertThat(copy.keepAliveIdle()).isEqualTo(Duration.ofSeconds(7));
        assertThat(copy.keepAliveInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(copy.keepAliveCount()).isEqualTo(3);
        assertThat(copy.sendBufferSize()).isEqualTo(32768);
        assertThat(copy.receiveBufferSize()).isEqualTo(65536);
    }
}
