package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void parsesHostAndPort() {
        Endpoint e = Endpoint.parse("redis.internal:6379");
        assertThat(e.host()).isEqualTo("redis.internal");
        assertThat(e.port()).isEqualTo(6379);
        assertThat(e.isUnix()).isFalse();
        assertThat(e.tlsName()).contains("redis.internal");
        assertThat(e).hasToString("redis.internal:6379");
    }

    @Test
    void parsesBracketedIpv6() {
        Endpoint e = Endpoint.parse("[::1]:8443");
        assertThat(e.host()).isEqualTo("::1");
        assertThat(e.port()).isEqualTo(8443);
        assertThat(e).hasToString("[::1]:8443");
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @Test
    void parsesUnixPath() {
        Endpoint e = Endpoint.parse("unix:/var/run/app.sock");
        assertThat(e.isUnix()).isTrue();
        assertThat(e.unixPath()).isEqualTo(Path.of("/var/run/app.sock"));
        assertThat(e.tlsName()).isEmpty();
        assertThat(e).hasToString("unix:/var/run/app.sock");
    }

    @Test
    void serverNameOverridesHostForTls() {
        Endpoint e = Endpoint.parse("10.0.0.7:443").withServerName("api.example.com");
        assertThat(e.tlsName()).contains("api.example.com");
        assertThat(e.host()).isEqualTo("10.0.0.7");
        assertThat(e).isNotEqualTo(Endpoint.parse("10.0.0.7:443"));
        assertThat(e.toString()).contains("sni api.example.com");
    }

    @Test
    void hostComparisonIgnoresCase() {
        assertThat(Endpoint.parse("Example.COM:80")).isEqualTo(Endpoint.parse("example.com:80"))
                .hasSameHashCodeAs(Endpoint.parse("example.com:80"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "localhost:", ":80", "host:http", "host:0", "host:65536", "::1:80",
            "[::1]80", "[::1]", "unix:", "host name:80", "host:-1"})
    void rejectsMalformedInputNamingIt(String input) {
        assertThatThrownBy(() -> Endpoint.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + input.trim() + "'");
    }

    @Test
    void unixEndpointHasNoHostOrPort() {
        Endpoint e = Endpoint.unix(Path.of("/tmp/x.sock"));
        assertThatThrownBy(e::host).isInstanceOf(IllegalStateException.class).hasMessageContaining("unix:/tmp/x.sock");
        assertThatThrownBy(Endpoint.parse("a:1")::unixPath).isInstanceOf(IllegalStateException.class);
    }
}
