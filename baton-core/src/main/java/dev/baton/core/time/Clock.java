package dev.baton.core.time;

/**
 * The one source of time for the engine and the memory store, injected so that tests can drive it
 * (the idea of Caffeine's {@code Ticker}).
 *
 * <p>{@link #monotonicNanos()} decides every expiry; it never jumps with the wall clock. Compare two
 * readings as {@code a - b < 0}, never {@code a < b}: the value may start anywhere, even near
 * {@link Long#MAX_VALUE}. {@link #wallMillis()} only labels messages ({@code ts}, {@code since},
 * {@code acquiredAt}) and is never used to decide whether something has expired.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Clock {

  /** A monotonic reading in nanoseconds, with an arbitrary origin. */
  long monotonicNanos();

  /** The wall clock in epoch milliseconds, for display and message timestamps only. */
  long wallMillis();

  /** The JVM's clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
