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
        TransportOptions o = TransportOptions.builder().connectTimeout(Duration.ofMillis(250)).tcpNoDelay(false)
                .keepAliveIdle(Duration.ofSeconds(7)).keepAliveCount(3).receiveBufferSize(65536).build();
        TransportOptions copy = o.toBuilder().build();
        assertThat(copy).hasToString(o.toString());
    }
}
