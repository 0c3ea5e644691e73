package dev.baton.server.ws;

/**
 * The message limit of one connection: a token bucket of {@code burst} messages refilled at {@code
 * perSecond} per second (the classic token bucket, as in Guava's {@code RateLimiter} with a burst or
 * Centrifugo's per-client command limit), and a count of the messages it refused in the current
 * window. A connection keeps sending over the limit when {@code rejectionsBeforeClose} of its
 * messages are refused within one window of {@code windowNanos} (a fixed window, started by the
 * first refusal after the previous window ended).
 *
 * <p>Times are monotonic nanoseconds passed in by the caller, compared as {@code a - b} so that a
 * clock near overflow works. Not thread-safe: owned by the connection's context.
 */
final class RateLimiter {

  /** What to do with one message. */
  enum Verdict {
    /** Handle it. */
    ALLOW,
    /** Refuse it with {@code RATE_LIMITED}; it changes nothing. */
    REJECT,
    /** Refuse it and close the connection with 4008: it kept going. */
    CLOSE
  }

  private final double perNano;
  private final int burst;
  private final int rejectionsBeforeClose;
  private final long windowNanos;
  private double tokens;
  private long refilledAt;
  private int rejections;
  private long windowStart;

  /**
   * @param perSecond refill rate, messages per second, positive
   * @param burst bucket size, messages, positive; the bucket starts full
   * @param rejectionsBeforeClose refusals within one window that close the connection, positive
   * @param windowNanos the window of {@code rejectionsBeforeClose}, nanoseconds, positive
   * @param nowNanos the monotonic time of creation
   * @throws IllegalArgumentException if a count or the window is not positive
   */
  RateLimiter(int perSecond, int burst, int rejectionsBeforeClose, long windowNanos, long nowNanos) {
    if (perSecond <= 0 || burst <= 0 || rejectionsBeforeClose <= 0 || windowNanos <= 0) {
      throw new IllegalArgumentException("rates, sizes and windows must be positive");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.rejectionsBeforeClose = rejectionsBeforeClose;
    this.windowNanos = windowNanos;
    this.tokens = burst;
    this.refilledAt = nowNanos;
    this.windowStart = nowNanos - windowNanos;
  }

  /** Takes one message at {@code nowNanos}. Amortized O(1). */
  Verdict onMessage(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      refilledAt = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return Verdict.ALLOW;
    }
    if (nowNanos - windowStart >= windowNanos) {
      windowStart = nowNanos;
      rejections = 0;
    }
    rejections++;
    return rejections >= rejectionsBeforeClose ? Verdict.CLOSE : Verdict.REJECT;
  }

  /** Milliseconds until the next message would be allowed, at least 1; call after a refusal. */
  long retryAfterMs() {
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }
}
