package dev.baton.bench.peers;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs a {@link Peer} with a fixed number of operations in flight: each of {@code workers} starts its
 * next operation the moment its last one completes (a closed loop, as {@code redis-benchmark -c N}
 * does with its N clients), first for {@code warmup}, then for {@code duration}. Counts the operations
 * that completed inside the measured window and records each one's latency (microseconds, HdrHistogram
 * with 3 significant digits, wait-free on the completion threads). A closed loop at equal concurrency
 * is the right tool for a throughput comparison; its latencies are service times, not the latency an
 * open-loop arrival would see. Not thread-safe: one {@link #run} at a time.
 */
final class ClosedLoop {

  /** What one measured window gave. */
  record Result(long operations, double seconds, Histogram latencyMicros) {

    /** Operations per second. */
    double throughput() {
      return operations / seconds;
    }
  }

  private ClosedLoop() {}

  /**
   * Runs {@code peer} (already prepared for {@code workers}) and returns the measured window.
   *
   * @throws IllegalStateException if any operation failed, with the first failure as cause, or if the
   *     operations in flight did not finish within 30 s of the end
   */
  static Result run(Peer peer, int workers, Duration warmup, Duration duration) throws InterruptedException {
    Recorder latency = new Recorder(3);
    LongAdder measured = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(workers);
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long measureTo = measureFrom + duration.toNanos();
    for (int w = 0; w < workers; w++) {
      next(peer, w, measureFrom, measureTo, latency, measured, failure, stopped);
    }
    if (!stopped.await(warmup.plus(duration).toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(peer.name() + ": operations still in flight 30 s after the end");
    }
    if (failure.get() != null) {
      throw new IllegalStateException(peer.name() + " failed: " + failure.get(), failure.get());
    }
    return new Result(measured.sum(), duration.toNanos() / 1e9, latency.getIntervalHistogram());
  }

  private static void next(Peer peer, int worker, long measureFrom, long measureTo, Recorder latency,
      LongAdder measured, AtomicReference<Throwable> failure, CountDownLatch stopped) {
    long sent = System.nanoTime();
    if (sent >= measureTo || failure.get() != null) {
      stopped.countDown();
      return;
    }
    peer.operation(worker).whenComplete((v, t) -> {
      long done = System.nanoTime();
      if (t != null) {
        failure.compareAndSet(null, t);
        stopped.countDown();
        return;
      }
      if (sent >= measureFrom && done <= measureTo) {
        measured.increment();
        latency.recordValue(Math.max(1, (done - sent) / 1000));
      }
      next(peer, worker, measureFrom, measureTo, latency, measured, failure, stopped);
    });
  }
}
