package dev.tether.core;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where to connect: a host and port (with an optional TLS server name that differs from the host), or a
 * Unix-domain socket path. Parse one with {@link #parse(String)}: {@code host:port}, {@code [::1]:port},
 * {@code unix:/path/to/socket}.
 */
public final class Endpoint {
    private static final String UNIX_PREFIX = "unix:";

    private final String host;
    private final int port;
    private final String serverName;
    private final Path unixPath;

    private Endpoint(String host, int port, String serverName, Path unixPath) {
        this.host = host;
        this.port = port;
        this.serverName = serverName;
        this.unixPath = unixPath;
    }

    /** A TCP endpoint. */
    public static Endpoint of(String host, int port) {
        Objects.requireNonNull(host, "host");
        String h = stripBrackets(host.trim());
        if (h.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty: '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be within 1..65535: " + port + " (host " + host + ")");
        }
        return new Endpoint(h, port, null, null);
    }

    /** A Unix-domain socket endpoint. */
    public static Endpoint unix(Path path) {
        Objects.requireNonNull(path, "path");
        if (path.toString().isEmpty()) {
            throw new IllegalArgumentException("unix socket path must not be empty");
        }
        return new Endpoint(null, 0, null, path);
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or {@code unix:/path}.
     *
     * @throws IllegalArgumentException naming the input when it is none of those
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "endpoint");
        String s = text.trim();
        if (s.regionMatches(true, 0, UNIX_PREFIX, 0, UNIX_PREFIX.length())) {
            String path = s.substring(UNIX_PREFIX.length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("invalid endpoint '" + text + "': unix: needs a socket path");
            }
            return unix(Path.of(path));
        }
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("invalid endpoint '" + text + "': expected [ipv6-address]:port");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("invalid endpoint '" + text + "': expected host:port, [ipv6]:port or unix:/path");
            }
            if (s.indexOf(':') != colon) {
                throw new IllegalArgumentException("invalid endpoint '" + text + "': an IPv6 address needs brackets, as in [::1]:6379");
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "': host is empty");
        }
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "': host contains illegal characters");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "': port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "': port " + port + " is outside 1..65535");
        }
        return new Endpoint(host, port, null, null);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The same endpoint, presenting {@code name} as the TLS server name (SNI and hostname verification). */
    public Endpoint withServerName(String name) {
        if (isUnix()) {
            return new Endpoint(null, 0, Objects.requireNonNull(name, "name"), unixPath);
        }
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("server name must not be blank");
        }
        return new Endpoint(host, port, name, null);
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    /** The host name or address literal; throws for a Unix-domain endpoint. */
    public String host() {
        requireTcp();
        return host;
    }

    /** The TCP port; throws for a Unix-domain endpoint. */
    public int port() {
        requireTcp();
        return port;
    }

    /** The socket path; throws for a TCP endpoint. */
    public Path unixPath() {
        if (!isUnix()) {
            throw new IllegalStateException(this + " is not a unix-domain endpoint");
        }
        return unixPath;
    }

    /** The explicit TLS server name, if one was set. */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /**
     * The name TLS should verify and send as SNI: the explicit server name, else the host. Empty for a Unix
     * socket without an explicit name.
     */
    public Optional<String> tlsName() {
        return serverName != null ? Optional.of(serverName) : Optional.ofNullable(host);
    }

    private void requireTcp() {
        if (isUnix()) {
            throw new IllegalStateException(this + " is a unix-domain endpoint and has no host or port");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && port == e.port && Objects.equals(host == null ? null : host.toLowerCase(Locale.ROOT),
                e.host == null ? null : e.host.toLowerCase(Locale.ROOT))
                && Objects.equals(serverName, e.serverName) && Objects.equals(unixPath, e.unixPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host == null ? null : host.toLowerCase(Locale.ROOT), port, serverName, unixPath);
    }

    /** {@code host:port}, {@code [v6]:port} or {@code unix:/path}, plus {@code (sni name)} when one is set. */
    @Override
    public String toString() {
        String base = isUnix() ? UNIX_PREFIX + unixPath
                : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return serverName == null ? base : base + " (sni " + serverName + ")";
    }
}
