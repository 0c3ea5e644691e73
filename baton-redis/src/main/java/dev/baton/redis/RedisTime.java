package dev.baton.redis;

import dev.baton.core.time.Clock;
import java.util.Objects;

/**
 * Where the Redis store's scripts take "now" from. In production: Redis {@code TIME} inside each
 * script ({@link #server()}), one clock for every node. In tests: an injected {@link Clock}
 * ({@link #injected}), whose readings Java passes to each script as {@code ARGV[1]} (monotonic
 * microseconds) and {@code ARGV[2]} (wall-clock epoch milliseconds).
 *
 * <p>An injected clock's monotonic reading, in microseconds, must stay within ±2^53 so that Lua's
 * doubles hold it exactly: a {@code FakeClock} for Redis tests starts at a microsecond-aligned
 * value such as {@code 1_764_417_600_000_000_000} ns, never near {@link Long#MAX_VALUE}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisTime {

  private static final RedisTime SERVER = new RedisTime(null);

  private final Clock clock;

  private RedisTime(Clock clock) {
    this.clock = clock;
  }

  /** Redis {@code TIME}: the production setting. */
  public static RedisTime server() {
    return SERVER;
  }

  /** The given clock, read by Java at each call: for tests. */
  public static RedisTime injected(Clock clock) {
    return new RedisTime(Objects.requireNonNull(clock, "clock"));
  }

  /** Whether the scripts read Redis {@code TIME}. */
  public boolean fromServer() {
    return clock == null;
  }

  /** {@code ARGV[1]}: now in microseconds, or empty for Redis {@code TIME}. */
  String nowMicros() {
    return clock == null ? "" : Long.toString(Math.floorDiv(clock.monotonicNanos(), 1000L));
  }

  /** {@code ARGV[2]}: the wall clock in epoch milliseconds, or empty for Redis {@code TIME}. */
  String wallMillis() {
    return clock == null ? "" : Long.toString(clock.wallMillis());
  }

  @Override
  public String toString() {
    return clock == null ? "RedisTime[server]" : "RedisTime[" + clock + "]";
  }
}
