package dev.baton.server.loadgen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything the generator counts while it runs: latency recorders per series (HdrHistogram {@link
 * Recorder}s, wait-free for the event-loop threads that record, read in intervals by the reporting
 * thread), operation counters and errors by operation and code. Latencies are in microseconds.
 *
 * <p>Samples of the warmup go to separate recorders: they show in the progress lines but never in
 * results. Thread-safe.
 */
final class Stats {

  /** What a latency sample measures. */
  enum Series {
    /** {@code lock.acquire} round trip, from the intended send time. */
    ACQUIRE,
    /** {@code lock.renew} round trip, from the intended send time. */
    RENEW,
    /** {@code lock.release} round trip, from the intended send time. */
    RELEASE,
    /** A presence change, from the server's {@code ts} to the last member receiving it. */
    FANOUT,
    /**
     * How late the generator itself sent each lock operation (actual − intended send time): timer
     * precision, a busy event loop, a backlog. Part of every round trip above; a self-check.
     */
    SEND_LAG
  }

  /** The largest value recorded, in microseconds (one hour); larger ones are clamped to it. */
  static final long MAX_MICROS = 3_600_000_000L;

  private final Recorder[] measured = new Recorder[Series.values().length];
  private final Recorder[] warmup = new Recorder[Series.values().length];
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile Phase phase;

  final LongAdder sent = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder measuredSent = new LongAdder();
  final LongAdder measuredCompleted = new LongAdder();
  final LongAdder heartbeats = new LongAdder();
  final LongAdder heartbeatAcks = new LongAdder();
  final LongAdder events = new LongAdder();
  final LongAdder fanoutIncomplete = new LongAdder();
  /** Complete changes that reached at least one member inside a {@code presence} snapshot. */
  final LongAdder fanoutViaSnapshot = new LongAdder();
  /** {@code hello} and {@code join} sent again after an {@code UNAVAILABLE} refusal while connecting. */
  final LongAdder connectRetries = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder backlog = new LongAdder();

  Stats() {
    for (int i = 0; i < measured.length; i++) {
      measured[i] = new Recorder(1, MAX_MICROS, 3);
      warmup[i] = new Recorder(1, MAX_MICROS, 3);
    }
  }

  /** The step now running, or null between steps. */
  Phase phase() {
    return phase;
  }

  void phase(Phase p) {
    phase = p;
  }

  /** Records one latency sample, in microseconds, as measured or as warmup. */
  void record(Series series, long micros, boolean isMeasured) {
    long v = Math.max(1, Math.min(MAX_MICROS, micros));
    (isMeasured ? measured : warmup)[series.ordinal()].recordValue(v);
  }

  /** Counts one error of {@code operation} with {@code code} (a protocol error code or our own word). */
  void error(String operation, String code) {
    errors.computeIfAbsent(operation + ":" + code, k -> new LongAdder()).increment();
  }

  /** The measured samples since the last call, for the given series (the caller owns the copy). */
  Histogram takeMeasured(Series series) {
    return measured[series.ordinal()].getIntervalHistogram();
  }

  /** The warmup samples since the last call, for the given series. */
  Histogram takeWarmup(Series series) {
    return warmup[series.ordinal()].getIntervalHistogram();
  }

  /** Errors so far, by {@code operation:code}, sorted. */
  Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Operations sent and neither answered nor given up on. */
  long inFlight() {
    return sent.sum() - completed.sum() - timedOut.sum();
  }

  /** All errors so far. */
  long errorCount() {
    long n = 0;
    for (LongAdder a : errors.values()) {
      n += a.sum();
    }
    return n;
  }
}
