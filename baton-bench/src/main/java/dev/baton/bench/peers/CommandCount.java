package dev.baton.bench.peers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Counts the Redis commands of named phases from {@code INFO commandstats}: each phase resets the
 * stats, runs its operation once per worker, and adds what Redis counted. Not thread-safe.
 */
final class CommandCount {

  private final RedisAdmin admin;
  private final int workers;
  private final Map<String, Map<String, RedisAdmin.Stat>> phases = new LinkedHashMap<>();
  private int rounds;

  CommandCount(RedisAdmin admin, int workers) {
    this.admin = admin;
    this.workers = workers;
  }

  /** Runs {@code op} for each worker between a reset and a reading; adds the reading if {@code counted}. */
  void phase(String name, boolean counted, IntConsumer op) {
    admin.resetStats();
    for (int w = 0; w < workers; w++) {
      op.accept(w);
    }
    Map<String, RedisAdmin.Stat> stats = admin.commandStats();
    if (!counted) {
      return;
    }
    Map<String, RedisAdmin.Stat> into = phases.computeIfAbsent(name, k -> new LinkedHashMap<>());
    stats.forEach((cmd, s) -> into.merge(cmd, s, RedisAdmin.Stat::plus));
    if (name.equals("baseline")) {
      rounds++;
    }
  }

  /** Operations counted per phase. */
  int operations() {
    return rounds * workers;
  }

  /**
   * Per phase but the baseline: calls per operation by command, less the baseline's (background
   * commands of the clients), two decimals; plus {@code script usec}, Redis's time
   * per script call ({@code evalsha} and {@code fcall} together: Redisson's scripts, Baton's functions).
   */
  Map<String, Object> perOperation() {
    Map<String, RedisAdmin.Stat> base = phases.getOrDefault("baseline", Map.of());
    int n = operations();
    Map<String, Object> out = new LinkedHashMap<>();
    phases.forEach((phase, stats) -> {
      if (phase.equals("baseline")) {
        return;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      stats.forEach((cmd, s) -> {
        long net = s.calls() - base.getOrDefault(cmd, new RedisAdmin.Stat(0, 0)).calls();
        if (net > 0) {
          m.put(cmd, Math.round(100.0 * net / n) / 100.0);
        }
      });
      RedisAdmin.Stat none = new RedisAdmin.Stat(0, 0);
      RedisAdmin.Stat scripts = stats.getOrDefault("evalsha", none).plus(stats.getOrDefault("fcall", none));
      if (scripts.calls() > 0) {
        m.put("script usec", Math.round(10.0 * scripts.usec() / scripts.calls()) / 10.0);
      }
      out.put(phase, m);
    });
    return out;
  }
}
