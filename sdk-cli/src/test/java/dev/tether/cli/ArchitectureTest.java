package dev.tether.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rules that keep Tether's layers readable, over the production classes of every module on sdk-cli's class
 * path (sdk-core, sdk-tls, sdk-tls-openssl, sdk-pool, sdk-cli): modules depend one way (core &lt;- tls &lt;- pool &lt;-
 * cli, with the OpenSSL provider hanging off tls and used only by the CLI), a module's {@code internal} packages
 * are its own, and neither modules nor packages form cycles. The benchmarks module is not on this class path; its
 * main code imports no {@code internal} package today (checked by hand).
 */
@AnalyzeClasses(packages = "dev.tether",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.DoNotIncludeTestJars.class})
class ArchitectureTest {
    // Module names, and the package each one owns. sdk-tls-openssl's package sits inside sdk-tls's, so moduleOf
    // tries the longest prefix first.
    static final String CORE = "sdk-core";
    static final String TLS = "sdk-tls";
    static final String OPENSSL = "sdk-tls-openssl";
    static final String POOL = "sdk-pool";
    static final String CLI = "sdk-cli";

    private static final String[][] MODULE_PACKAGES = {
            {"dev.tether.tls.openssl", OPENSSL},
            {"dev.tether.core", CORE},
            {"dev.tether.tls", TLS},
            {"dev.tether.pool", POOL},
            {"dev.tether.cli", CLI},
    };

    /**
     * Every module's production classes, and only them. Test classes of the module under test are left out by
     * {@code DoNotIncludeTests}; this drops the other modules' test-jars (sdk-core and sdk-tls ship their test
     * helpers in {@code dev.tether.*.testing}), which reach the class path as {@code *-tests.jar} once the reactor
     * has packaged them. Plain jars are kept on purpose: in {@code ./mvnw verify} the sibling modules arrive as their
     * packaged jars, not as {@code target/classes}, so {@code DoNotIncludeJars} would import nothing of them there.
     * Only {@code dev.tether} is imported, so third-party jars add nothing.
     */
    static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar!/");
        }
    }

    static Optional<String> moduleOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        for (String[] entry : MODULE_PACKAGES) {
            if (pkg.equals(entry[0]) || pkg.startsWith(entry[0] + ".")) {
                return Optional.of(entry[1]);
            }
        }
        return Optional.empty();
    }

    private static DescribedPredicate<JavaClass> inModule(String module) {
        return DescribedPredicate.describe("in " + module, c -> moduleOf(c).filter(module::equals).isPresent());
    }

    private static boolean isInternal(JavaClass javaClass) {
        return Arrays.asList(javaClass.getPackageName().split("\\.")).contains("internal");
    }

    /** The import really holds each module: without this, a class-path change could make every rule pass on nothing. */
    @ArchTest
    static void everyModuleIsImported(JavaClasses classes) {
        Set<String> found = classes.stream().map(ArchitectureTest::moduleOf).flatMap(Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(found).containsExactlyInAnyOrder(CORE, TLS, OPENSSL, POOL, CLI);
        assertThat(classes.stream().filter(c -> c.getPackageName().endsWith(".testing")))
                .as("test helpers from test-jars are not production code").isEmpty();
    }

    /**
     * core &lt;- tls &lt;- pool &lt;- cli; the OpenSSL provider implements tls's SPI (so it may use core and tls) and
     * only the CLI depends on it (benchmarks does too, but is not on this class path). A class in a package that
     * belongs to no known module fails, so a new module must be placed here before it can be used.
     */
    @ArchTest
    static final ArchRule modulesDependOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer(CORE).definedBy(inModule(CORE))
            .layer(TLS).definedBy(inModule(TLS))
            .layer(OPENSSL).definedBy(inModule(OPENSSL))
            .layer(POOL).definedBy(inModule(POOL))
            .layer(CLI).definedBy(inModule(CLI))
            .whereLayer(CORE).mayNotAccessAnyLayer()
            .whereLayer(TLS).mayOnlyAccessLayers(CORE)
            .whereLayer(OPENSSL).mayOnlyAccessLayers(CORE, TLS)
            .whereLayer(OPENSSL).mayOnlyBeAccessedByLayers(CLI)
            .whereLayer(POOL).mayOnlyAccessLayers(CORE, TLS)
            .whereLayer(CLI).mayOnlyAccessLayers(CORE, TLS, OPENSSL, POOL)
            .ensureAllClassesAreContainedInArchitecture();

    /** A module's {@code internal} packages (at any depth, e.g. {@code dev.tether.tls.cert.internal}) are its own. */
    @ArchTest
    static final ArchRule internalPackagesStayInTheirModule = ArchRuleDefinition.classes()
            .should(new ArchCondition<JavaClass>("use no other module's internal packages") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                    Optional<String> own = moduleOf(origin);
                    for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                        JavaClass target = d.getTargetClass();
                        Optional<String> theirs = moduleOf(target);
                        if (isInternal(target) && theirs.isPresent() && !theirs.equals(own)) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()
                                    + " [internal to " + theirs.get() + "]"));
                        }
                    }
                }
            });

    private static final SliceAssignment BY_MODULE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return moduleOf(javaClass).map(SliceIdentifier::of).orElse(SliceIdentifier.ignore());
        }

        @Override
        public String getDescription() {
            return "Tether modules";
        }
    };

    /** Implied by the layering today; kept on its own so a relaxed layer rule cannot let a module cycle in. */
    @ArchTest
    static final ArchRule noModuleCycles = slices().assignedFrom(BY_MODULE).should().beFreeOfCycles();

    /**
     * Each package is a slice: no two packages may depend on each other, directly or round a loop. Known cycles are
     * exempted edge by edge below (see {@link #publicClassesOnTheirInternals}); anything else fails.
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.tether.(**)").should().beFreeOfCycles()
            // core: the public connector is the factory of the socket implementation in core.internal, which
            // implements the public Connection and throws the public exceptions. Breaking it would mean moving public
            // API types or adding a ServiceLoader seam: not worth it for one factory class.
            .ignoreDependency(publicClassesOnTheirInternals("dev.tether.core", "SocketConnector"),
                    inPackage("dev.tether.core.internal"))
            // tls: same shape. The public TlsConfig/TlsConnector/TlsAcceptor (and ServerIdentity, the public face of
            // HostnameMatcher) are built on tls.internal, whose classes implement and throw the public types.
            .ignoreDependency(publicClassesOnTheirInternals("dev.tether.tls",
                            "ServerIdentity", "TlsAcceptor", "TlsConfig", "TlsConnector"),
                    inPackage("dev.tether.tls.internal"))
            // tls.cert: the public certificate types delegate encoding, file writing and name handling to
            // tls.cert.internal, which takes the public value types (SubjectAlternativeName, KeyPurpose...) as input.
            .ignoreDependency(publicClassesOnTheirInternals("dev.tether.tls.cert",
                            "CertificateAuthority", "CertificateInfo", "CertificateRequest", "HeldCertificate", "Pem",
                            "Pkcs12", "RevocationList", "SubjectAlternativeName"),
                    inPackage("dev.tether.tls.cert.internal"))
            // pool: same shape. The builder (TetherClient.Builder) creates the engine, ClientCore, and PooledClient
            // is the public face that delegates to it; the engine takes the public settings and throws the public
            // exceptions. The engine does not know TetherClient (no file imports the other back). The public DNS
            // endpoint sources are built on the DNS lookups in pool.internal, which take the public options
            // (AddressFamily, DnsMode) and throw the public DnsLookupException.
            .ignoreDependency(publicClassesOnTheirInternals("dev.tether.pool", "PooledClient", "TetherClient",
                            "DnsEndpointSource", "SrvEndpointSource", "DnsOptions"),
                    inPackage("dev.tether.pool.internal"));

    /**
     * The named top-level classes of {@code pkg} (and their nested classes, such as builders): the only public
     * classes allowed to reach into the package's own {@code internal} package in the exempted cycles above. A new
     * public class that does so fails the rule, and so does any other package cycle.
     */
    private static DescribedPredicate<JavaClass> publicClassesOnTheirInternals(String pkg, String... simpleNames) {
        Set<String> names = Arrays.stream(simpleNames).map(n -> pkg + "." + n).collect(Collectors.toSet());
        return DescribedPredicate.describe(pkg + "." + Arrays.toString(simpleNames), c -> {
            String name = c.getName();
            int nested = name.indexOf('$');
            return names.contains(nested < 0 ? name : name.substring(0, nested));
        });
    }

    private static DescribedPredicate<JavaClass> inPackage(String pkg) {
        return DescribedPredicate.describe("in " + pkg, c -> c.getPackageName().equals(pkg));
    }
}
