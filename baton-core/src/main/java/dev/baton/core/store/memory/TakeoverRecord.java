package dev.baton.core.store.memory;

import dev.baton.core.model.Holder;

/** A pending takeover inside the memory store; guarded by the store's lock. */
final class TakeoverRecord {

  final Holder by;
  final String reason;
  /** Monotonic nanos when the lock passes. */
  final long deadlineNanos;

  TakeoverRecord(Holder by, String reason, long deadlineNanos) {
    this.by = by;
    this.reason = reason;
    this.deadlineNanos = deadlineNanos;
  }
}
