package dev.tether.pool;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;

/**
 * Checks at client build time that the libraries Tether runs on are new enough. Build tools pick one version of
 * each library for the whole application, and another dependency can pull in an older one (Jedis 6.2 brings
 * commons-pool2 2.12.1); without this check that surfaces as a {@link NoSuchMethodError} deep inside the first
 * call instead of a message saying what to change.
 */
final class DependencyGuard {
    /** One library Tether needs at a minimum version. */
    record Requirement(String group, String artifact, String minimum, String anchorClass) {
    }

    static final Requirement COMMONS_POOL2 = new Requirement("org.apache.commons", "commons-pool2", "2.13.0",
            "org.apache.commons.pool2.impl.GenericKeyedObjectPool");
    // 2.3.0 added the lock-free sliding window (SlidingWindowSynchronizationStrategy) the breakers use; the
    // resilience4j modules are released together, so retry is held to the same version.
    static final Requirement RESILIENCE4J_RETRY = new Requirement("io.github.resilience4j", "resilience4j-retry",
            "2.3.0", "io.github.resilience4j.retry.Retry");
    static final Requirement RESILIENCE4J_CIRCUITBREAKER = new Requirement("io.github.resilience4j",
            "resilience4j-circuitbreaker", "2.3.0", "io.github.resilience4j.circuitbreaker.CircuitBreaker");
    static final List<Requirement> REQUIREMENTS = List.of(COMMONS_POOL2, RESILIENCE4J_RETRY,
            RESILIENCE4J_CIRCUITBREAKER);

    private static volatile boolean checked;

    private DependencyGuard() {
    }

    /**
     * Fails when a library on the class or module path is older than Tether needs. The result is remembered:
     * the libraries loaded cannot change while the JVM runs.
     *
     * @throws IllegalStateException naming each library, the version found, the version needed and the fix
     */
    public static void requireSupportedVersions() {
        if (checked) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Requirement r : REQUIREMENTS) {
            foundVersion(r).flatMap(found -> problem(r, found)).ifPresent(problems::add);
        }
        // A version can be unknown (a repackaged jar without metadata); then what the minimum version added decides.
        if (foundVersion(COMMONS_POOL2).isEmpty() && !hasReuseCapacityOnReturn()) {
            problems.add("commons-pool2 on the class path lacks GenericKeyedObjectPool.setReuseCapacityOnReturn "
                    + "(added in 2.13.0), so it is older than the 2.13.0 Tether needs" + fix(COMMONS_POOL2));
        }
        if (foundVersion(RESILIENCE4J_CIRCUITBREAKER).isEmpty() && !hasClass(
                "io.github.resilience4j.circuitbreaker.CircuitBreakerConfig$SlidingWindowSynchronizationStrategy")) {
            problems.add("resilience4j-circuitbreaker on the class path lacks SlidingWindowSynchronizationStrategy "
                    + "(added in 2.3.0), so it is older than the 2.3.0 Tether needs" + fix(RESILIENCE4J_CIRCUITBREAKER));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Tether cannot run with these library versions:\n  - "
                    + String.join("\n  - ", problems));
        }
        checked = true;
    }

    /** The message for {@code found} when it is older than {@code r} needs, or empty when it is new enough. */
    static Optional<String> problem(Requirement r, String found) {
        if (compare(found, r.minimum()) >= 0) {
            return Optional.empty();
        }
        return Optional.of(r.group() + ":" + r.artifact() + " " + found + " is on the class path, but Tether needs "
                + r.minimum() + " or newer" + fix(r));
    }

    private static String fix(Requirement r) {
        return "; another dependency probably brought the older one in. Fix: pin " + r.group() + ":"
                + r.artifact() + " to " + r.minimum() + " or newer in your build (Maven: a <dependencyManagement> "
                + "entry; Gradle: a strictly() constraint); see the README's 'Use it in your project'";
    }

    /** The version of the jar that holds {@code r}'s anchor class, or empty when it cannot be told. */
    static Optional<String> foundVersion(Requirement r) {
        Class<?> anchor;
        try {
            anchor = Class.forName(r.anchorClass(), false, DependencyGuard.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        return versionOf(anchor, r.group(), r.artifact());
    }

    /**
     * Reads the version from the jar's Maven metadata, then its manifest, then its module descriptor: whichever
     * the jar has. Each is read from the jar that defined {@code anchor}, not from the first match on the path.
     */
    static Optional<String> versionOf(Class<?> anchor, String group, String artifact) {
        String pom = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = anchor.getResourceAsStream(pom)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return Optional.of(v.trim());
                }
            }
        } catch (IOException e) {
            // Unreadable metadata: fall through to the manifest.
        }
        Package pkg = anchor.getPackage();
        if (pkg != null && pkg.getImplementationVersion() != null) {
            return Optional.of(pkg.getImplementationVersion());
        }
        ModuleDescriptor descriptor = anchor.getModule().getDescriptor();
        return descriptor == null ? Optional.empty() : descriptor.rawVersion();
    }

    /** Compares dotted versions by their numeric parts ({@code 2.13.1 > 2.9}); a qualifier such as -M1 is ignored. */
    static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        String[] parts = version.trim().split("[.\\-+_]");
        List<Integer> out = new ArrayList<>();
        for (String part : parts) {
            if (!part.matches("\\d{1,9}")) {
                break;
            }
            out.add(Integer.parseInt(part));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static boolean hasClass(String name) {
        try {
            Class.forName(name, false, DependencyGuard.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean hasReuseCapacityOnReturn() {
        try {
            GenericKeyedObjectPool.class.getMethod("setReuseCapacityOnReturn", boolean.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
