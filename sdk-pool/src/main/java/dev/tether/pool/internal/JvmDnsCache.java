package dev.tether.pool.internal;

import java.security.Security;
import java.time.Duration;
import java.util.Optional;

/**
 * The JVM's positive address cache, which sits between {@link java.net.InetAddress} and the name servers: how long
 * it keeps an answer, read from the same settings the JDK reads, and whether that hides address changes from an
 * endpoint source refreshing on a given interval. The JDK reads these settings once, at its first name lookup,
 * so a value set later shows here but does not change the cache.
 */
public final class JvmDnsCache {

    /** The security property the JDK reads first (seconds; negative means forever). */
    public static final String SECURITY_PROPERTY = "networkaddress.cache.ttl";

    /** The system property the JDK reads when {@link #SECURITY_PROPERTY} is unset or not a number. */
    public static final String SYSTEM_PROPERTY = "sun.net.inetaddr.ttl";

    /** The JDK's cache time when neither property is set and no security manager is installed. */
    static final int DEFAULT_SECONDS = 30;

    private JvmDnsCache() {
    }

    /**
     * How long the cache keeps a resolved address.
     *
     * @param seconds how long, or negative for forever
     * @param setBy   where that comes from: {@code "networkaddress.cache.ttl=60"}, {@code "sun.net.inetaddr.ttl=-1"}
     *                or the JDK default
     */
    public record Policy(long seconds, String setBy) {

        /** Whether the cache never lets an answer go. */
        public boolean forever() {
            return seconds < 0;
        }

        /** {@code "forever"} or the time, for messages. */
        public String describe() {
            return forever() ? "forever" : seconds + "s";
        }

        /**
         * The warning to log when this cache outlives {@code refreshInterval} (a refresh would then see an old
         * answer), naming the setting and the fix; empty when the cache is no longer than the interval.
         */
        public Optional<String> staleAnswersWarning(Duration refreshInterval) {
            long refreshSeconds = Math.max(1, refreshInterval.toSeconds());
            if (!forever() && Duration.ofSeconds(seconds).compareTo(refreshInterval) <= 0) {
                return Optional.empty();
            }
            String late = forever() ? "never reach this client (the first answer is kept until the JVM exits)"
                    : "reach this client up to " + seconds + "s late";
            return Optional.of("the JVM caches resolved addresses " + (forever() ? "forever" : "for " + seconds + "s")
                    + " (" + setBy + "), longer than the refresh interval of " + refreshInterval.toSeconds()
                    + "s: address changes " + late + ". Fix: set the security property " + SECURITY_PROPERTY + "="
                    + refreshSeconds + " or less before the JVM's first name lookup (in"
                    + " $JAVA_HOME/conf/security/java.security, or java.security.Security.setProperty at startup;"
                    + " " + SYSTEM_PROPERTY + " counts only when the security property is unset), or use"
                    + " DnsMode.DIRECT, whose queries do not go through this cache");
        }
    }

    /** The policy this JVM's settings give now. */
    @SuppressWarnings("removal") // a security manager changes the JDK's default to forever; read it while it exists
    public static Policy current() {
        return policy(Security.getProperty(SECURITY_PROPERTY), System.getProperty(SYSTEM_PROPERTY),
                System.getSecurityManager() != null);
    }

    /**
     * The policy the JDK derives from these settings (as {@code sun.net.InetAddressCachePolicy} does): the security
     * property if it parses as an integer, else the system property if it decodes as one, else forever under a
     * security manager and {@value #DEFAULT_SECONDS}s without; any negative value means forever.
     *
     * @param securityProperty {@value #SECURITY_PROPERTY}, or null when unset
     * @param systemProperty   {@value #SYSTEM_PROPERTY}, or null when unset
     * @param securityManager  whether a security manager is installed
     */
    public static Policy policy(String securityProperty, String systemProperty, boolean securityManager) {
        if (securityProperty != null) {
            try {
                return of(Integer.valueOf(securityProperty), SECURITY_PROPERTY + "=" + securityProperty);
            } catch (NumberFormatException ignored) {
                // The JDK ignores a value that is not a number and falls back, so do we.
            }
        }
        if (systemProperty != null) {
            try {
                return of(Integer.decode(systemProperty), SYSTEM_PROPERTY + "=" + systemProperty);
            } catch (NumberFormatException ignored) {
                // As above.
            }
        }
        return securityManager ? new Policy(-1, "the JDK default with a security manager installed")
                : new Policy(DEFAULT_SECONDS, "the JDK default, " + SECURITY_PROPERTY + " unset");
    }

    private static Policy of(int seconds, String setBy) {
        return new Policy(seconds < 0 ? -1 : seconds, setBy);
    }
}
