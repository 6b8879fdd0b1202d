package dev.tether.bench.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's CPU time counters from Linux's {@code /proc/stat}, to tell how much of a slice's time the
 * hypervisor gave to other guests (steal): on a shared virtual machine a round with high steal measures the
 * neighbours, not the contenders.
 */
final class MachineTicks {
    private static final Path STAT = Path.of("/proc/stat");
    /** Index of the steal column among the "cpu" line's numbers (user nice system idle iowait irq softirq steal). */
    private static final int STEAL = 7;

    private MachineTicks() {
    }

    /** The all-CPU counters now, or null where {@code /proc/stat} cannot be read (not Linux). */
    static long[] read() {
        try {
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long[] ticks = new long[fields.length - 1];
            for (int i = 1; i < fields.length; i++) {
                ticks[i - 1] = Long.parseLong(fields[i]);
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Steal as a share of all CPU time since {@code before} ("n/a" where the counters cannot be read). */
    static String stealSince(long[] before) {
        long[] now = read();
        if (before == null || now == null || now.length <= STEAL) {
            return "n/a";
        }
        long total = 0;
        // user..steal: guest time is already counted in user and nice.
        for (int i = 0; i <= STEAL; i++) {
            total += now[i] - before[i];
        }
        return total <= 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100.0 * (now[STEAL] - before[STEAL]) / total);
    }
}
