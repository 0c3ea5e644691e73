package dev.baton.server.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the servers' memory and CPU from their {@code /metrics} (Micrometer's {@code
 * jvm_memory_used_bytes}, {@code process_resident_memory_bytes}, {@code process_cpu_time_ns_total},
 * {@code baton_connections}), summed over the nodes. With process ids it can first run a full GC in
 * each ({@code jcmd PID GC.run}) so that heap figures count live objects only, and reads the RSS from
 * {@code /proc/PID/status} when the server does not export it. Not thread-safe: used from the
 * generator's main thread.
 */
final class ServerProbe {

  /**
   * One reading, summed over the nodes; -1 for a figure that is not available.
   *
   * @param heapUsedBytes JVM heap in use
   * @param rssBytes resident set size
   * @param cpuTimeNanos CPU time the server processes have used since they started
   * @param connections open WebSocket connections
   * @param afterGc whether a full GC ran in every node just before
   */
  record Reading(long heapUsedBytes, long rssBytes, long cpuTimeNanos, long connections, boolean afterGc) {}

  private final List<URI> metricsUrls;
  private final List<Long> pids;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String warning;

  ServerProbe(List<URI> metricsUrls, List<Long> pids) {
    this.metricsUrls = metricsUrls;
    this.pids = pids;
  }

  /** The last problem met (a node that did not answer, jcmd missing), or null. */
  String warning() {
    return warning;
  }

  /** Reads every node, after a full GC in each when {@code gc} and process ids were given. */
  Reading read(boolean gc) {
    boolean gcDone = gc && !pids.isEmpty() && pids.stream().allMatch(this::fullGc);
    long heap = 0;
    long rss = 0;
    long cpu = 0;
    long connections = 0;
    boolean rssKnown = true;
    boolean cpuKnown = true;
    boolean ok = true;
    for (int i = 0; i < metricsUrls.size(); i++) {
      String text = scrape(metricsUrls.get(i));
      if (text == null) {
        ok = false;
        continue;
      }
      heap += (long) orZero(PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
      double r = PrometheusText.sum(text, "process_resident_memory_bytes", "");
      if (Double.isNaN(r) && i < pids.size()) {
        r = procRss(pids.get(i));
      }
      if (Double.isNaN(r)) {
        rssKnown = false;
      } else {
        rss += (long) r;
      }
      double c = PrometheusText.sum(text, "process_cpu_time_ns_total", "");
      if (Double.isNaN(c)) {
        cpuKnown = false;
      } else {
        cpu += (long) c;
      }
      connections += (long) orZero(PrometheusText.sum(text, "baton_connections", ""));
    }
    if (!ok) {
      return new Reading(-1, -1, -1, -1, false);
    }
    return new Reading(heap, rssKnown ? rss : -1, cpuKnown ? cpu : -1, connections, gcDone);
  }

  private String scrape(URI url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        warning = url + " answered " + r.statusCode();
        return null;
      }
      return r.body();
    } catch (IOException e) {
      warning = url + ": " + e.getMessage();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private boolean fullGc(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String command = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    try {
      Process p = new ProcessBuilder(command, Long.toString(pid), "GC.run")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        warning = "jcmd " + pid + " GC.run did not finish within 60 s";
        return false;
      }
      if (p.exitValue() != 0) {
        warning = "jcmd " + pid + " GC.run exited with " + p.exitValue();
        return false;
      }
      return true;
    } catch (IOException e) {
      warning = "cannot run jcmd: " + e.getMessage();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static double procRss(long pid) {
    try {
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      for (String line : status.split("\n")) {
        if (line.startsWith("VmRSS:")) {
          String v = line.substring(6).trim();
          return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not our process to read
    }
    return Double.NaN;
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}
