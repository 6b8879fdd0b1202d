package dev.tether.bench.tls;

import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory per idle connection for one provider: opens N mutual-TLS 1.3 connections through Tether's TLS layer
 * (both ends in this JVM, see {@link ProviderFixture}), makes one 64-byte round trip on each, lets them sit idle,
 * and reports the growth of heap used after a full GC and of the process's RSS (the native side: OpenSSL's
 * SSL objects, netty's direct buffers), divided by N. Both ends are counted, so the figures are per client +
 * server pair. Run once per provider, in fresh JVMs with the same flags:
 * {@code java -Xms512m -Xmx512m -cp benchmarks.jar dev.tether.bench.tls.IdleProviderMemory JDK 2000}.
 */
public final class IdleProviderMemory {
    private IdleProviderMemory() {
    }

    public static void main(String[] args) throws Exception {
        TlsProvider provider = TlsProvider.parse(args.length > 0 ? args[0] : "JDK");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (ProviderFixture fixture = new ProviderFixture(provider, ProviderFixture.Mode.ECHO)) {
            TlsConnector connector = fixture.connector(true);
            // Warm up: classes, caches, the session cache, buffer pools.
            List<TlsConnection> warm = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                warm.add(fixture.connectAndRoundTrip(connector));
            }
            warm.forEach(TlsConnection::close);
            warm.clear();
            Thread.sleep(500);
            long heap0 = usedAfterGc();
            long rss0 = rssBytes();
            List<TlsConnection> open = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                open.add(fixture.connectAndRoundTrip(connector));
            }
            Thread.sleep(500);
            long heap1 = usedAfterGc();
            long rss1 = rssBytes();
            System.out.printf(Locale.ROOT, "%s (%s): %d idle connection pairs: heap +%,d B = %.0f B per pair;"
                            + " RSS +%,d B = %.0f B per pair%n", provider,
                    connector.source().current().config().providerInUse(), n, heap1 - heap0,
                    (heap1 - heap0) / (double) n, rss1 - rss0, (rss1 - rss0) / (double) n);
            open.forEach(TlsConnection::close);
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
