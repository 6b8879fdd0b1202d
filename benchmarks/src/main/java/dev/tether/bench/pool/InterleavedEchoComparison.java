package dev.tether.bench.pool;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.TlsConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@link PooledEchoBenchmark} comparison run round by round in one process, alternating pooled calls, one
 * JDK socket per thread and one Tether connection per thread: on a machine whose load drifts (a shared CI box),
 * ratios taken within a round are steadier than separate JMH trials. Not a JMH benchmark.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.InterleavedEchoComparison
 * <threads> <plain|tls> <rounds>}
 */
public final class InterleavedEchoComparison {
  private InterleavedEchoComparison() {
  }

  public static void main(String[] a) throws Exception {
    int threads = Integer.parseInt(a[0]); boolean tls = a[1].equals("tls"); int rounds = Integer.parseInt(a[2]);
    EchoServers s = new EchoServers();
    Endpoint ep = tls ? s.tlsEndpoint() : s.plainEndpoint();
    TetherClient.Builder<byte[], byte[]> b = TetherClient.builder(LengthPrefixedCodec.create()).endpoint(ep)
        .pool(PoolSettings.builder().maxTotal(128).maxPerEndpoint(128).build());
    if (tls) b.tls(s.clientTlsConfig());
    TetherClient<byte[], byte[]> client = b.build();
    List<PooledEchoBenchmark.OwnSocket> socks = new ArrayList<>();
    PooledEchoBenchmark.Setting setting = new PooledEchoBenchmark.Setting();
    setting.transport = a[1]; setting.servers = s;
    for (int i = 0; i < threads; i++) { PooledEchoBenchmark.OwnSocket o = new PooledEchoBenchmark.OwnSocket(); o.open(setting); socks.add(o); }
    List<FramedConnection<byte[], byte[]>> owns = new ArrayList<>();
    Connector plainC = SocketConnector.create();
    Connector conn = tls ? new TlsConnector(plainC, s.clientTlsConfig()) : plainC;
    for (int i = 0; i < threads; i++) owns.add(new FramedConnection<>(conn.connect(ep, Deadline.after(Duration.ofSeconds(5))), LengthPrefixedCodec.create()));
    byte[] p = PooledEchoBenchmark.PAYLOAD;
    CallOptions o = CallOptions.timeout(Duration.ofSeconds(10));
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    List<Double> ratios = new ArrayList<>(), ratios2 = new ArrayList<>(), ratios3 = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double[] r = new double[3];
      for (int mode = 0; mode < 3; mode++) {
        int m = mode; int n = 1500;
        CountDownLatch done = new CountDownLatch(threads);
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) { int ti = t; ex.submit(() -> { try { for (int i = 0; i < n; i++) { if (m == 0) client.call(p, o); else if (m == 1) socks.get(ti).roundTrip(); else owns.get(ti).exchange(p, Deadline.after(Duration.ofSeconds(10))); } } catch (Exception e) { e.printStackTrace(); } done.countDown(); }); }
        done.await();
        r[mode] = threads * (double) n / ((System.nanoTime() - t0) / 1e9);
      }
      if (round > 0) { ratios.add(r[0] / r[1]); ratios2.add(r[2] / r[1]); ratios3.add(r[0] / r[2]); }
      System.out.printf("round %d: pooled %.0f, own %s %.0f, own Tether %.0f ops/s; pooled/jdk %.2f tether/jdk %.2f pooled/tether %.2f%n", round, r[0], tls ? "SSLSocket" : "Socket", r[1], r[2], r[0] / r[1], r[2] / r[1], r[0] / r[2]);
    }
    Collections.sort(ratios); Collections.sort(ratios2); Collections.sort(ratios3);
    System.out.printf("medians over %d rounds: pooled/jdk %.2f, tether-own/jdk %.2f, pooled/tether-own %.2f%n", ratios.size(), ratios.get(ratios.size() / 2), ratios2.get(ratios2.size() / 2), ratios3.get(ratios3.size() / 2));
    ex.shutdown(); client.close(); System.exit(0);
  }
}
