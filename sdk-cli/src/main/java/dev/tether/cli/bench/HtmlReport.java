package dev.tether.cli.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A benchmark report as one self-contained HTML page: the summary, a latency-by-percentile chart (the
 * HdrHistogram view, with the tail stretched out on a log scale) and throughput over time, both as inline
 * SVG. No scripts, fonts or stylesheets are fetched, so the file can be mailed or archived as it is.
 */
final class HtmlReport {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 40;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    private HtmlReport() {
    }

    static String render(BenchReport report) {
        BenchReport.Setup s = report.setup();
        LoadRun run = report.run();
        StringBuilder html = new StringBuilder(16 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>tether bench ")
                .append(esc(s.target())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:820px}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td{padding:3px 14px 3px 0;vertical-align:top}\n")
                .append("td:first-child{color:#666}h2{margin-top:1.6em;font-size:1.1em}\n")
                .append("svg{background:#fafafa;border:1px solid #ddd}.axis{stroke:#888}.grid{stroke:#e4e4e4}\n")
                .append("text{font-size:11px;fill:#555}.line{fill:none;stroke:#1f6fb2;stroke-width:2}\n")
                .append(".err{stroke:#c62828;stroke-width:2}.errtext{fill:#c62828}\n")
                .append("</style></head><body>\n");
        html.append("<h1>tether bench ").append(esc(s.target())).append("</h1>\n");
        html.append("<p>").append(esc(s.protocol())).append(", ")
                .append(s.tlsProtocol().map(p -> esc(p + " " + s.cipherSuite().orElse(""))).orElse("plain TCP"))
                .append(", ").append(s.concurrency()).append(" concurrent callers, ").append(s.payloadBytes())
                .append("-byte payload, pool max ").append(s.poolMax()).append(", ")
                .append(s.pipelineDepth() > 1 ? "pipeline depth " + s.pipelineDepth() + ", " : "")
                .append(s.idempotent() ? "idempotent" : "not idempotent").append(". Generated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(".</p>\n");
        StringWriter summary = new StringWriter();
        report.printSummary(new PrintWriter(summary));
        html.append("<table>\n");
        for (String line : summary.toString().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String name = line.length() > 17 ? line.substring(2, 17).trim() : line.trim();
            String value = line.length() > 17 ? line.substring(17).trim() : "";
            html.append("<tr><td>").append(esc(name)).append("</td><td>").append(esc(value)).append("</td></tr>\n");
        }
        html.append("</table>\n");
        html.append("<h2>Latency by percentile (successful calls)</h2>\n");
        html.append(latencyChart(run.latencyNanos()));
        html.append("<h2>Throughput over time</h2>\n");
        html.append(throughputChart(run.timeline()));
        html.append("\n</body></html>\n");
        return html.toString();
    }

    /** Latency (µs, linear) against percentile on a log scale of 1/(1-p), as HdrHistogram's plotter draws it. */
    static String latencyChart(Histogram histogram) {
        StringBuilder svg = open("latency-percentiles", "Latency by percentile");
        if (histogram.getTotalCount() == 0) {
            return svg.append(noData()).append("</svg>\n").toString();
        }
        List<double[]> points = new ArrayList<>();
        // n samples say nothing finer than the 1/n tail, so the axis ends there (the last point is the maximum).
        double finest = 100.0 * (1 - 1.0 / Math.max(10, histogram.getTotalCount()));
        for (HistogramIterationValue v : histogram.percentiles(5)) {
            double p = Math.min(v.getPercentileLevelIteratedTo(), finest);
            points.add(new double[] {Math.log10(100.0 / (100.0 - p)), v.getValueIteratedTo() / 1000.0});
        }
        double maxX = Math.max(1, Math.ceil(points.get(points.size() - 1)[0]));
        double maxY = niceMax(histogram.getMaxValue() / 1000.0);
        gridY(svg, maxY, "µs");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= maxX && i < labels.length; i++) {
            double x = LEFT + i / maxX * plotWidth();
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x, TOP, x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 16, labels[i]));
        }
        svg.append(axisTitle("percentile"));
        svg.append("<polyline class=\"line\" points=\"");
        for (double[] p : points) {
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + p[0] / maxX * plotWidth(),
                    y(p[1], maxY)));
        }
        svg.append("\"/>\n</svg>\n");
        return svg.toString();
    }

    /** Successful calls per second in each interval, with errors marked in red. */
    static String throughputChart(List<LoadRun.Interval> timeline) {
        StringBuilder svg = open("throughput", "Throughput over time");
        if (timeline.isEmpty()) {
            return svg.append(noData()).append("</svg>\n").toString();
        }
        double maxX = Math.max(1, timeline.get(timeline.size() - 1).endSeconds());
        double maxY = niceMax(timeline.stream().mapToDouble(LoadRun.Interval::callsPerSecond).max().orElse(1));
        gridY(svg, maxY, "calls/s");
        double stepX = niceMax(maxX / 8);
        for (double t = 0; t <= maxX + 1e-9; t += stepX) {
            double x = LEFT + t / maxX * plotWidth();
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ss</text>\n",
                    x, TOP, x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 16, trim(t)));
        }
        svg.append(axisTitle("seconds since start"));
        // A step per interval: the rate was measured over the interval, not at its end.
        svg.append("<polyline class=\"line\" points=\"");
        for (LoadRun.Interval i : timeline) {
            double from = LEFT + (i.endSeconds() - i.seconds()) / maxX * plotWidth();
            double to = LEFT + i.endSeconds() / maxX * plotWidth();
            double y = y(i.callsPerSecond(), maxY);
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", Math.max(LEFT, from), y, to, y));
        }
        svg.append("\"/>\n");
        for (LoadRun.Interval i : timeline) {
            if (i.errors() > 0) {
                double x = LEFT + i.endSeconds() / maxX * plotWidth();
                svg.append(String.format(Locale.ROOT, "<line class=\"err\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                                + "<text class=\"errtext\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d err</text>\n",
                        x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM - 12, x, HEIGHT - BOTTOM - 15, i.errors()));
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(String id, String title) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
                + " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n<title>%s</title>\n",
                id, WIDTH, HEIGHT, WIDTH, HEIGHT, title, title));
        svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM, LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        return svg;
    }

    private static void gridY(StringBuilder svg, double maxY, String unit) {
        for (int i = 0; i <= 5; i++) {
            double value = maxY * i / 5;
            double y = y(value, maxY);
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, trim(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">%s</text>\n", TOP + plotHeight() / 2, TOP + plotHeight() / 2, unit));
    }

    private static String axisTitle(String title) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                LEFT + plotWidth() / 2, HEIGHT - 10, title);
    }

    private static String noData() {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">no successful calls</text>\n",
                WIDTH / 2, HEIGHT / 2);
    }

    private static double y(double value, double maxY) {
        return HEIGHT - BOTTOM - Math.min(value, maxY) / maxY * plotHeight();
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value}. */
    static double niceMax(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String trim(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
