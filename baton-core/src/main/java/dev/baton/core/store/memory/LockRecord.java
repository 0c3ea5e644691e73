package dev.baton.core.store.memory;

import dev.baton.core.model.Holder;

/** A held lock inside the memory store; guarded by the store's lock. */
final class LockRecord {

  final Holder holder;
  final long token;
  final long acquiredAtMillis;
  /** Monotonic nanos of the grant or last renewal. */
  long renewedAtNanos;
  final long ttlNanos;
  /** Whether {@code lock.expiring} was sent since the last renewal. */
  boolean warned;

  LockRecord(Holder holder, long token, long acquiredAtMillis, long renewedAtNanos, long ttlNanos) {
    this.holder = holder;
    this.token = token;
    this.acquiredAtMillis = acquiredAtMillis;
    this.renewedAtNanos = renewedAtNanos;
    this.ttlNanos = ttlNanos;
  }

  /** Nanoseconds left at {@code nowNanos}; zero or less means expired. Overflow-safe. */
  long remainingNanos(long nowNanos) {
    return ttlNanos - (nowNanos - renewedAtNanos);
  }

  boolean sessionIs(String sessionId) {
    return holder.sessionId().equals(sessionId);
  }
}
