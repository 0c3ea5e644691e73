package dev.baton.server.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a self-contained HTML page (inline SVG, no script, nothing fetched) with the latency
 * percentile distribution of a step, the way HdrHistogram's plotter draws it: percentile on a
 * logarithmic "number of nines" axis, latency on a logarithmic axis. For a max-rate search it adds the
 * acquire p50/p99 of every step against its rate. Thread-safe (stateless).
 */
final class PercentilePlot {

  private static final int W = 820;
  private static final int H = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = 150;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;
  private static final String[] COLORS = {"#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#999999"};

  private PercentilePlot() {}

  static void write(LoadReport report, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, html(report));
  }

  static String html(LoadReport report) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>baton loadgen</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}")
        .append("svg text{font-size:12px;font-family:sans-serif}</style></head><body>\n")
        .append("<h1>baton loadgen</h1>\n<p>").append(esc(summary(report))).append("</p>\n");
    StepResult main = mainStep(report);
    if (main != null) {
      b.append("<h2>Latency by percentile, step ").append(main.step()).append(" (")
          .append(fmt(main.intendedRate(), 0)).append(" ops/s intended, ").append(fmt(main.achievedRate(), 0))
          .append(" achieved)</h2>\n");
      b.append(distribution(main));
      b.append("<p>Lock round trips are measured from each operation's <em>intended</em> send time (open loop, "
          + "coordinated omission corrected). Fan-out: from the server's <code>ts</code> of a presence change to "
          + "the last member receiving it (both on this machine's wall clock; up to 1 ms high). Send lag: how late "
          + "the generator itself sent each operation; it is part of the round trips.</p>\n");
    }
    if (report.steps().size() > 1) {
      b.append("<h2>Acquire latency against rate</h2>\n").append(byRate(report));
    }
    b.append("<h2>Steps</h2>\n").append(table(report));
    b.append("</body></html>\n");
    return b.toString();
  }

  /** The step to draw: the highest passing step of a search, else the first. */
  static StepResult mainStep(LoadReport report) {
    if (report.steps().isEmpty()) {
      return null;
    }
    if (report.search() != null) {
      StepResult best = null;
      for (StepResult s : report.steps()) {
        if (s.intendedRate() == report.search().maxPassingRate()) {
          best = s;
        }
      }
      if (best != null) {
        return best;
      }
    }
    return report.steps().get(0);
  }

  private static String summary(LoadReport r) {
    Object cores = r.machine().get("cores");
    String s = "Run " + r.settings().get("runId") + " at " + r.startedAt() + ": " + r.settings().get("connections")
        + " connections, " + r.settings().get("documents") + " documents x (1 actor + "
        + r.settings().get("viewersPerDocument") + " viewers), mix " + r.settings().get("mix") + "; machine "
        + cores + " cores, " + r.machine().get("java") + ".";
    if (r.memory() != null && r.memory().heapPerConnectionBytes() >= 0) {
      s += " Server heap per idle joined connection: " + r.memory().heapPerConnectionBytes() + " bytes"
          + (r.memory().afterGc() ? " (after full GC)" : " (no GC forced)") + ".";
    }
    s += " Errors: " + r.errorCount() + ".";
    return s;
  }

  private static String distribution(StepResult step) {
    List<String> names = List.of("acquire", "renew", "release", "fan-out", "send lag");
    List<LatencySummary> series =
        List.of(step.acquire(), step.renew(), step.release(), step.fanout(), step.sendLag());
    double minMs = Double.MAX_VALUE;
    double maxMs = 0;
    double maxNines = 3;
    for (LatencySummary s : series) {
      for (double[] p : s.distribution()) {
        minMs = Math.min(minMs, Math.max(p[1], 0.001));
        maxMs = Math.max(maxMs, p[1]);
        maxNines = Math.max(maxNines, nines(p[0]));
      }
    }
    if (maxMs == 0) {
      return "<p>No samples.</p>\n";
    }
    double yLo = Math.floor(Math.log10(minMs));
    double yHi = Math.max(yLo + 1, Math.ceil(Math.log10(maxMs)));
    double xHi = Math.ceil(maxNines);
    StringBuilder b = svgOpen();
    for (int n = 0; n <= xHi; n++) {
      double x = LEFT + (W - LEFT - RIGHT) * n / xHi;
      b.append(line(x, TOP, x, H - BOTTOM, "#eee"));
      b.append(text(x, H - BOTTOM + 16, n == 0 ? "0%" : percentLabel(n), "middle"));
    }
    b.append(text(LEFT + (W - LEFT - RIGHT) / 2.0, H - 10, "percentile", "middle"));
    yGrid(b, yLo, yHi);
    for (int i = 0; i < series.size(); i++) {
      List<double[]> pts = series.get(i).distribution();
      if (pts.isEmpty()) {
        continue;
      }
      StringBuilder poly = new StringBuilder();
      for (double[] p : pts) {
        double nx = Math.min(nines(p[0]), xHi);
        double x = LEFT + (W - LEFT - RIGHT) * nx / xHi;
        double y = yOf(Math.max(p[1], 0.001), yLo, yHi);
        poly.append(fmt(x, 1)).append(',').append(fmt(y, 1)).append(' ');
      }
      b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(COLORS[i]).append("\" points=\"")
          .append(poly.toString().trim()).append("\"/>\n");
      legend(b, i, names.get(i) + " (" + series.get(i).count() + ")");
    }
    return b.append("</svg>\n").toString();
  }

  private static String byRate(LoadReport report) {
    List<StepResult> steps = new ArrayList<>(report.steps());
    steps.sort((a, c) -> Double.compare(a.intendedRate(), c.intendedRate()));
    double minMs = Double.MAX_VALUE;
    double maxMs = 0;
    double maxRate = 0;
    for (StepResult s : steps) {
      minMs = Math.min(minMs, Math.max(0.001, s.acquire().p50Ms()));
      maxMs = Math.max(maxMs, s.acquire().p99Ms());
      maxRate = Math.max(maxRate, s.intendedRate());
    }
    if (maxMs == 0) {
      return "<p>No samples.</p>\n";
    }
    double yLo = Math.floor(Math.log10(minMs));
    double yHi = Math.max(yLo + 1, Math.ceil(Math.log10(maxMs)));
    StringBuilder b = svgOpen();
    for (int i = 0; i <= 5; i++) {
      double rate = maxRate * i / 5;
      double x = LEFT + (W - LEFT - RIGHT) * i / 5.0;
      b.append(line(x, TOP, x, H - BOTTOM, "#eee"));
      b.append(text(x, H - BOTTOM + 16, fmt(rate, 0), "middle"));
    }
    b.append(text(LEFT + (W - LEFT - RIGHT) / 2.0, H - 10, "intended ops/s", "middle"));
    yGrid(b, yLo, yHi);
    String[] labels = {"acquire p50", "acquire p99"};
    for (int k = 0; k < 2; k++) {
      StringBuilder poly = new StringBuilder();
      for (StepResult s : steps) {
        double v = k == 0 ? s.acquire().p50Ms() : s.acquire().p99Ms();
        double x = LEFT + (W - LEFT - RIGHT) * s.intendedRate() / maxRate;
        double y = yOf(Math.max(v, 0.001), yLo, yHi);
        poly.append(fmt(x, 1)).append(',').append(fmt(y, 1)).append(' ');
        b.append("<circle r=\"3\" fill=\"").append(COLORS[k * 3]).append("\" cx=\"").append(fmt(x, 1))
            .append("\" cy=\"").append(fmt(y, 1)).append("\"/>\n");
      }
      b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(COLORS[k * 3]).append("\" points=\"")
          .append(poly.toString().trim()).append("\"/>\n");
      legend(b, k, labels[k]);
    }
    if (report.search() != null) {
      double limitY = yOf(report.search().p99LimitMs(), yLo, yHi);
      if (limitY >= TOP && limitY <= H - BOTTOM) {
        b.append(line(LEFT, limitY, W - RIGHT, limitY, "#d62728").replace("/>", " stroke-dasharray=\"6 4\"/>"));
      }
    }
    return b.append("</svg>\n").toString();
  }

  private static String table(LoadReport report) {
    StringBuilder b = new StringBuilder("<table><tr><th>step</th><th>intended ops/s</th><th>achieved ops/s</th>"
        + "<th>answered ops/s</th><th>acquire p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max (ms)</th>"
        + "<th>fan-out p50</th>"
        + "<th>p99</th><th>max (ms)</th><th>errors</th><th>server CPU</th><th>generator CPU</th></tr>\n");
    for (StepResult s : report.steps()) {
      long errors = s.errors().values().stream().mapToLong(Long::longValue).sum();
      b.append("<tr><td>").append(s.step()).append("</td><td>").append(fmt(s.intendedRate(), 0)).append("</td><td>")
          .append(fmt(s.achievedRate(), 0)).append("</td><td>").append(fmt(s.answeredRate(), 0)).append("</td><td>")
          .append(fmt(s.acquire().p50Ms(), 3))
          .append("</td><td>").append(fmt(s.acquire().p90Ms(), 3)).append("</td><td>")
          .append(fmt(s.acquire().p99Ms(), 3)).append("</td><td>").append(fmt(s.acquire().p999Ms(), 3))
          .append("</td><td>").append(fmt(s.acquire().maxMs(), 3)).append("</td><td>")
          .append(fmt(s.fanout().p50Ms(), 3)).append("</td><td>").append(fmt(s.fanout().p99Ms(), 3))
          .append("</td><td>").append(fmt(s.fanout().maxMs(), 3)).append("</td><td>").append(errors)
          .append("</td><td>").append(fmt(s.serverCpuCores(), 2)).append("</td><td>")
          .append(fmt(s.generatorCpuCores(), 2)).append("</td></tr>\n");
    }
    return b.append("</table>\n").toString();
  }

  private static StringBuilder svgOpen() {
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\">\n")
        .append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" fill=\"#fff\"/>\n");
    b.append(line(LEFT, TOP, LEFT, H - BOTTOM, "#444")).append(line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#444"));
    return b;
  }

  private static void yGrid(StringBuilder b, double yLo, double yHi) {
    for (double e = yLo; e <= yHi; e++) {
      double y = yOf(Math.pow(10, e), yLo, yHi);
      b.append(line(LEFT, y, W - RIGHT, y, "#eee"));
      b.append(text(LEFT - 6, y + 4, msLabel(Math.pow(10, e)), "end"));
    }
    b.append("<text transform=\"translate(16,").append((TOP + H - BOTTOM) / 2).append(") rotate(-90)\" ")
        .append("text-anchor=\"middle\">latency (log scale)</text>\n");
  }

  private static void legend(StringBuilder b, int i, String label) {
    double y = TOP + 10 + i * 20;
    b.append(line(W - RIGHT + 10, y, W - RIGHT + 34, y, COLORS[i % COLORS.length]).replace("stroke-width=\"1\"",
        "stroke-width=\"3\""));
    b.append(text(W - RIGHT + 40, y + 4, label, "start"));
  }

  private static double yOf(double ms, double yLo, double yHi) {
    double f = (Math.log10(ms) - yLo) / (yHi - yLo);
    return H - BOTTOM - f * (H - TOP - BOTTOM);
  }

  /** Percentile as "number of nines": 90% = 1, 99% = 2, 99.9% = 3. */
  private static double nines(double percentile) {
    double rest = 1 - Math.min(percentile, 99.99999) / 100;
    return Math.log10(1 / rest);
  }

  private static String percentLabel(int nines) {
    StringBuilder s = new StringBuilder("9");
    if (nines > 1) {
      s.append('9');
    }
    if (nines > 2) {
      s.append('.');
      s.append("9".repeat(nines - 2));
    }
    return s.append('%').toString();
  }

  private static String msLabel(double ms) {
    if (ms >= 1000) {
      return fmt(ms / 1000, 0) + " s";
    }
    if (ms >= 1) {
      return fmt(ms, 0) + " ms";
    }
    return fmt(ms * 1000, 0) + " µs";
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return "<line x1=\"" + fmt(x1, 1) + "\" y1=\"" + fmt(y1, 1) + "\" x2=\"" + fmt(x2, 1) + "\" y2=\"" + fmt(y2, 1)
        + "\" stroke=\"" + color + "\" stroke-width=\"1\"/>\n";
  }

  private static String text(double x, double y, String s, String anchor) {
    return "<text x=\"" + fmt(x, 1) + "\" y=\"" + fmt(y, 1) + "\" text-anchor=\"" + anchor + "\">" + esc(s)
        + "</text>\n";
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
