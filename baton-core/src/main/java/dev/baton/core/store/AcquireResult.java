package dev.baton.core.store;

import dev.baton.core.model.Lease;
import dev.baton.core.resource.ResourceId;

/** The outcome of {@code lock.acquire} or {@code lock.takeover}. Immutable. */
public sealed interface AcquireResult {

  /** The lock is the caller's now. */
  record Granted(Lease lease) implements AcquireResult {}

  /** The caller waits in the FIFO queue at {@code position} (1 is next). */
  record Queued(ResourceId resource, int position) implements AcquireResult {}

  /**
   * A takeover was requested; the lock passes at the deadline unless the holder answers first.
   *
   * @param deadline epoch milliseconds, for display
   * @param remainingMs milliseconds until the deadline by the store's clock
   */
  record TakeoverPending(ResourceId resource, long deadline, long remainingMs) implements AcquireResult {}
}
