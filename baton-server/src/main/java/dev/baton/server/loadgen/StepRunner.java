package dev.baton.server.loadgen;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs one step on the generator's main thread: publishes its {@link Phase} (the shards' schedules
 * follow it), prints a progress line each second, collects the measured samples, reads the servers'
 * and its own CPU time at the start and end of the measurement, waits for the replies still in flight
 * (at most {@link #DRAIN_NANOS}), and summarizes. Not thread-safe: one step at a time.
 */
final class StepRunner {

  /** The longest wait after a step's end for replies still in flight and backlogged sends. */
  static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Stats stats;
  private final ServerProbe probe;
  private final PrintStream out;
  private final Histogram[] measured = new Histogram[Stats.Series.values().length];
  private final Histogram[] live = new Histogram[Stats.Series.values().length];
  private long lastSent;
  private long lastCompleted;

  /** @param out progress lines, or null for none */
  StepRunner(Stats stats, ServerProbe probe, PrintStream out) {
    this.stats = stats;
    this.probe = probe;
    this.out = out;
  }

  StepResult run(int step, double rate, long warmupNanos, long durationNanos) throws InterruptedException {
    for (Stats.Series s : Stats.Series.values()) { // drop whatever was recorded between steps
      stats.takeMeasured(s);
      stats.takeWarmup(s);
      measured[s.ordinal()] = new Histogram(1, Stats.MAX_MICROS, 3);
    }
    resetLive();
    Map<String, Long> errorsBefore = stats.errors();
    Phase p = Phase.starting(step, rate, warmupNanos, durationNanos);
    lastSent = stats.sent.sum();
    lastCompleted = stats.completed.sum();
    stats.phase(p);
    if (out != null) {
      out.printf("step %d: %.0f ops/s intended, %s warmup, %s measured%n", step, rate,
          seconds(warmupNanos), seconds(durationNanos));
    }
    long tick = p.startNanos();
    tick = reportUntil(p, p.measureStartNanos(), tick, "warmup");
    long serverCpu0 = probe.read(false).cpuTimeNanos();
    long ownCpu0 = ownCpuNanos();
    long answered0 = stats.completed.sum();
    long wall0 = System.nanoTime();
    reportUntil(p, p.endNanos(), tick, "measure");
    long serverCpu1 = probe.read(false).cpuTimeNanos();
    long ownCpu1 = ownCpuNanos();
    long answered1 = stats.completed.sum();
    long wall1 = System.nanoTime();
    drain(p);
    ServerProbe.Reading end = probe.read(false);
    stats.phase(null);
    Thread.sleep(20); // let the schedules see the end of the phase
    collect();
    double elapsed = (wall1 - wall0) / 1e9;
    StepResult r = new StepResult(step, rate, stats.measuredCompleted.sum() / p.measuredSeconds(),
        (answered1 - answered0) / elapsed,
        stats.measuredSent.sum(), stats.measuredCompleted.sum(), p.measuredSeconds(),
        LatencySummary.of(measured[Stats.Series.ACQUIRE.ordinal()]),
        LatencySummary.of(measured[Stats.Series.RENEW.ordinal()]),
        LatencySummary.of(measured[Stats.Series.RELEASE.ordinal()]),
        LatencySummary.of(measured[Stats.Series.FANOUT.ordinal()]),
        LatencySummary.of(measured[Stats.Series.SEND_LAG.ordinal()]),
        stats.fanoutIncomplete.sum(), stats.fanoutViaSnapshot.sum(), diff(stats.errors(), errorsBefore),
        serverCpu0 < 0 || serverCpu1 < 0 ? -1 : (serverCpu1 - serverCpu0) / 1e9 / elapsed,
        (ownCpu1 - ownCpu0) / 1e9 / elapsed, end.heapUsedBytes(), end.rssBytes());
    stats.measuredSent.reset();
    stats.measuredCompleted.reset();
    if (out != null) {
      out.printf("step %d: achieved %.0f of %.0f ops/s (%.0f/s answered in all); acquire p50 %.3f p90 %.3f"
              + " p99 %.3f p99.9 %.3f max %.3f ms; fan-out p99 %.3f ms (%d changes, %d incomplete, %d via snapshot);"
              + " send lag p50 %.3f p99 %.3f ms; errors %d;"
              + " server CPU %.2f cores, generator %.2f cores%n",
          step, r.achievedRate(), rate, r.answeredRate(), r.acquire().p50Ms(), r.acquire().p90Ms(),
          r.acquire().p99Ms(),
          r.acquire().p999Ms(), r.acquire().maxMs(), r.fanout().p99Ms(), r.fanout().count(),
          r.fanoutIncomplete(), r.fanoutViaSnapshot(),
          r.sendLag().p50Ms(), r.sendLag().p99Ms(),
          r.errors().values().stream().mapToLong(Long::longValue).sum(), r.serverCpuCores(), r.generatorCpuCores());
    }
    return r;
  }

  /** Prints a line each second until {@code untilNanos}; returns the next tick. */
  private long reportUntil(Phase p, long untilNanos, long tick, String label) throws InterruptedException {
    while (true) {
      long next = Math.min(tick + SECOND, untilNanos);
      sleepUntil(next);
      collect();
      if (next - tick >= SECOND / 2 || next == untilNanos) {
        progress(p, label, next - tick);
      }
      tick = next;
      if (next == untilNanos) {
        return tick;
      }
    }
  }

  /** Waits until nothing is in flight or backlogged, at most {@link #DRAIN_NANOS}, then a little more for events. */
  private void drain(Phase p) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_NANOS;
    while ((stats.inFlight() > 0 || stats.backlog.sum() > 0) && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // the last changes' events are still on their way to the members
  }

  private void collect() {
    for (Stats.Series s : Stats.Series.values()) {
      Histogram m = stats.takeMeasured(s);
      Histogram w = stats.takeWarmup(s);
      if (measured[s.ordinal()] != null) {
        measured[s.ordinal()].add(m);
      }
      if (live[s.ordinal()] != null) {
        live[s.ordinal()].add(m);
        live[s.ordinal()].add(w);
      }
    }
  }

  private void progress(Phase p, String label, long intervalNanos) {
    if (out != null) {
      long sent = stats.sent.sum();
      long completed = stats.completed.sum();
      double secs = intervalNanos / 1e9;
      Histogram a = live[Stats.Series.ACQUIRE.ordinal()];
      Histogram f = live[Stats.Series.FANOUT.ordinal()];
      Histogram lag = live[Stats.Series.SEND_LAG.ordinal()];
      out.printf("%6.1fs %-7s rate %.0f/s  sent %.0f/s  done %.0f/s  acquire p50 %.3f p99 %.3f max %.3f ms"
              + "  fan-out p99 %.3f ms  send lag p99 %.3f ms  in flight %d  backlog %d  errors %d%n",
          (System.nanoTime() - p.startNanos()) / 1e9, label, p.rate(), (sent - lastSent) / secs,
          (completed - lastCompleted) / secs, a.getValueAtPercentile(50) / 1000.0,
          a.getValueAtPercentile(99) / 1000.0, a.getMaxValue() / 1000.0, f.getValueAtPercentile(99) / 1000.0,
          lag.getValueAtPercentile(99) / 1000.0,
          stats.inFlight(), stats.backlog.sum(), stats.errorCount());
      lastSent = sent;
      lastCompleted = completed;
    }
    resetLive();
  }

  private void resetLive() {
    for (int i = 0; i < live.length; i++) {
      live[i] = new Histogram(1, Stats.MAX_MICROS, 3);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> out = new java.util.TreeMap<>();
    now.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        out.put(k, d);
      }
    });
    return out;
  }

  static long ownCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  private static String seconds(long nanos) {
    return dev.baton.core.policy.Durations.format(java.time.Duration.ofNanos(nanos));
  }
}
