package dev.baton.server.ws;

import dev.baton.core.time.Clock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The two timers of a connection's JWT: {@code auth.expiring} before the token expires, and the close
 * (4001) when it has. The connection re-arms them whenever it accepts a token ({@code hello}, {@code
 * auth.refresh}).
 *
 * <p>Timing (docs/protocol.md "Token expiry"): the connection is closed at the token's {@code exp},
 * read on the node's wall clock, but never sooner than {@link #MIN_LIFETIME} after the token was
 * accepted (hello accepts a token up to 60 s past its {@code exp}, the clock-skew tolerance, and such
 * a client still deserves a moment to refresh). The warning goes out {@link #WARNING_LEAD} before the
 * close, or half-way through the token's remaining life when that is shorter, so a short-lived token
 * is warned in time too.
 *
 * <p>Not thread-safe: created and used on the connection's context, whose thread runs the callbacks.
 */
final class TokenExpiry {

  /** How long before the close {@code auth.expiring} is pushed, at most. */
  static final Duration WARNING_LEAD = Duration.ofSeconds(60);
  /** The shortest time between accepting a token and closing for its expiry. */
  static final Duration MIN_LIFETIME = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Clock clock;
  private final LongConsumer onWarning;
  private final LongConsumer onExpired;
  private long warningTimer = -1;
  private long closeTimer = -1;

  /**
   * @param onWarning called once per accepted token with the close time, epoch ms
   * @param onExpired called with the close time, epoch ms, when it has come
   */
  TokenExpiry(Vertx vertx, Clock clock, LongConsumer onWarning, LongConsumer onExpired) {
    this.vertx = vertx;
    this.clock = clock;
    this.onWarning = onWarning;
    this.onExpired = onExpired;
  }

  /**
   * Arms the timers for a token just accepted, replacing those of the previous one.
   *
   * @param expiresAtMs the token's {@code exp}, epoch milliseconds
   * @return when the connection will be closed unless another token is accepted, epoch milliseconds
   */
  long arm(long expiresAtMs) {
    cancel();
    long nowMs = clock.wallMillis();
    long closeAtMs = closeAt(nowMs, expiresAtMs);
    long warnAtMs = warnAt(nowMs, closeAtMs);
    warningTimer = vertx.setTimer(Math.max(1, warnAtMs - nowMs), id -> {
      warningTimer = -1;
      onWarning.accept(closeAtMs);
    });
    closeTimer = vertx.setTimer(Math.max(1, closeAtMs - nowMs), id -> {
      closeTimer = -1;
      onExpired.accept(closeAtMs);
    });
    return closeAtMs;
  }

  /** Stops both timers (the connection closed). */
  void cancel() {
    if (warningTimer >= 0) {
      vertx.cancelTimer(warningTimer);
      warningTimer = -1;
    }
    if (closeTimer >= 0) {
      vertx.cancelTimer(closeTimer);
      closeTimer = -1;
    }
  }

  /** When a token accepted at {@code acceptedAtMs} with {@code exp} {@code expiresAtMs} closes its connection. */
  static long closeAt(long acceptedAtMs, long expiresAtMs) {
    return Math.max(expiresAtMs, acceptedAtMs + MIN_LIFETIME.toMillis());
  }

  /** When {@code auth.expiring} is pushed for a token accepted at {@code acceptedAtMs} that closes at {@code closeAtMs}. */
  static long warnAt(long acceptedAtMs, long closeAtMs) {
    return closeAtMs - Math.min(WARNING_LEAD.toMillis(), (closeAtMs - acceptedAtMs) / 2);
  }
}
