package dev.baton.core.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told, for deterministic tests (Caffeine's {@code FakeTicker}). Its
 * monotonic reading may start anywhere, including near {@link Long#MAX_VALUE}, so that code comparing
 * readings with {@code a < b} instead of {@code a - b < 0} fails. Thread-safe.
 */
public final class FakeClock implements Clock {

  private final AtomicLong nanos;
  private final AtomicLong wallMillis;

  /** Starts the monotonic reading at {@code startNanos} and the wall clock at {@code startWallMillis}. */
  public FakeClock(long startNanos, long startWallMillis) {
    this.nanos = new AtomicLong(startNanos);
    this.wallMillis = new AtomicLong(startWallMillis);
  }

  /** Starts one minute before the monotonic reading overflows, on 2025-11-29 12:00 UTC. */
  public static FakeClock nearOverflow() {
    return new FakeClock(Long.MAX_VALUE - Duration.ofMinutes(1).toNanos(), 1_764_417_600_000L);
  }

  /** Moves both readings forward by {@code d}. */
  public FakeClock advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    wallMillis.addAndGet(d.toMillis());
    return this;
  }

  /** Moves only the wall clock, as an NTP step would; expiries must not notice. */
  public FakeClock jumpWall(Duration d) {
    wallMillis.addAndGet(d.toMillis());
    return this;
  }

  @Override
  public long monotonicNanos() {
    return nanos.get();
  }

  @Override
  public long wallMillis() {
    return wallMillis.get();
  }
}
