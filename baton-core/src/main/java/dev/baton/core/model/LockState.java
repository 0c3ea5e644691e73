package dev.baton.core.model;

/**
 * A resource's lock as seen at one instant ({@code LockState} of SPEC section 3). A free lock has a
 * null holder and null times. Immutable.
 *
 * <p>{@code token} is set only in the holder's own copy and in service (HTTP) views; use {@link
 * #forViewer} before sending a copy to anybody else.
 *
 * @param holder the holder, or null when free
 * @param token the fencing token, or null when free or hidden
 * @param acquiredAt epoch milliseconds of the grant, or null
 * @param expiresAt epoch milliseconds of the expiry by the store's clock, or null
 * @param remainingMs milliseconds until expiry by the store's monotonic clock, or null
 * @param inGrace whether the holder's connection dropped and its session is inside the grace
 * @param queueLength sessions waiting for this lock
 * @param takeover a pending takeover, or null
 */
public record LockState(
    Holder holder,
    Long token,
    Long acquiredAt,
    Long expiresAt,
    Long remainingMs,
    boolean inGrace,
    int queueLength,
    TakeoverState takeover) {

  private static final LockState FREE = new LockState(null, null, null, null, null, false, 0, null);

  /** A free lock with {@code queueLength} waiters (normally zero); the free lock with none is one shared instance. */
  public static LockState free(int queueLength) {
    return queueLength == 0 ? FREE : new LockState(null, null, null, null, null, false, queueLength, null);
  }

  /** Whether someone holds the lock. */
  public boolean held() {
    return holder != null;
  }

  /** This state as {@code sessionId} may see it: the token stays only for the holding session. */
  public LockState forViewer(String sessionId) {
    if (token == null || (holder != null && holder.sessionId().equals(sessionId))) {
      return this;
    }
    return new LockState(holder, null, acquiredAt, expiresAt, remainingMs, inGrace, queueLength, takeover);
  }
}
