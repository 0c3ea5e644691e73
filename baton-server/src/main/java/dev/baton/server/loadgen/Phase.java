package dev.baton.server.loadgen;

/**
 * One step of a run: its intended rate and its time window, warmup first, then measurement. Times
 * are {@link System#nanoTime()} values, except the wall-clock copies used to classify fan-out by the
 * server's {@code ts}. Immutable and thread-safe.
 *
 * @param step 0 for the first step
 * @param rate intended lock operations per second over all actors
 * @param startNanos when the warmup starts
 * @param measureStartNanos when the measurement starts (= start + warmup)
 * @param endNanos when the schedule stops: no operation is intended at or after it
 * @param measureStartWallMillis {@code measureStartNanos} on the wall clock, epoch milliseconds
 * @param endWallMillis {@code endNanos} on the wall clock, epoch milliseconds
 */
record Phase(int step, double rate, long startNanos, long measureStartNanos, long endNanos,
    long measureStartWallMillis, long endWallMillis) {

  /** A phase that starts now. */
  static Phase starting(int step, double rate, long warmupNanos, long durationNanos) {
    long now = System.nanoTime();
    long wall = System.currentTimeMillis();
    return new Phase(step, rate, now, now + warmupNanos, now + warmupNanos + durationNanos,
        wall + warmupNanos / 1_000_000, wall + (warmupNanos + durationNanos) / 1_000_000);
  }

  /** Whether an operation intended at this time is measured (not warmup, not after the end). */
  boolean measures(long intendedNanos) {
    return intendedNanos - measureStartNanos >= 0 && intendedNanos - endNanos < 0;
  }

  /** Whether a change the server stamped with {@code tsMillis} falls in the measured window. */
  boolean measuresChangeAt(long tsMillis) {
    return tsMillis >= measureStartWallMillis && tsMillis < endWallMillis;
  }

  /** Measured seconds. */
  double measuredSeconds() {
    return (endNanos - measureStartNanos) / 1e9;
  }
}
