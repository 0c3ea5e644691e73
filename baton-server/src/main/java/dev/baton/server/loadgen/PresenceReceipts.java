package dev.baton.server.loadgen;

/**
 * What one member reports to its document's {@link FanoutTracker}: each presence version once, whether
 * it came as a {@code presence.*} event or inside a {@code presence} snapshot. Presence messages reach
 * a connection in version order (one document's events are delivered in commit order, a resync
 * snapshot stands for everything up to its version), so the highest version the member has is enough
 * to tell a new change from one it already has.
 *
 * <p>Owned by the member's event loop (not thread-safe).
 */
final class PresenceReceipts {

  private final FanoutTracker tracker;
  private long seen = -1;

  /** @param tracker the member's document's tracker */
  PresenceReceipts(FanoutTracker tracker) {
    this.tracker = tracker;
  }

  /** The member's {@code joined} reply showed presence version {@code v}. */
  void joined(long v) {
    seen = Math.max(seen, v);
  }

  /**
   * A {@code presence.joined|changed|left} event with version {@code v}; a version the member already
   * has (from an earlier event or a snapshot) is not reported again.
   *
   * @param tsMillis the server's {@code ts} on it, epoch milliseconds
   * @param receivedMicros the local wall-clock receive time, epoch microseconds
   */
  void event(long v, long tsMillis, long receivedMicros) {
    if (v <= seen) {
      return;
    }
    seen = v;
    tracker.received(v, tsMillis, receivedMicros);
  }

  /**
   * A {@code presence} snapshot with version {@code v}: every version after the member's last one up
   * to {@code v} reached it now (at most the last {@link FanoutTracker#SLOTS}: the tracker no longer
   * follows older ones). Before the member's first version (its join still in flight) only {@code v}
   * itself is reported.
   *
   * @param tsMillis the server's {@code ts} on the snapshot, epoch milliseconds
   * @param receivedMicros the local wall-clock receive time, epoch microseconds
   */
  void snapshot(long v, long tsMillis, long receivedMicros) {
    if (v <= seen) {
      return;
    }
    long from = seen < 0 ? v : Math.max(seen + 1, v - FanoutTracker.SLOTS + 1);
    for (long x = from; x <= v; x++) {
      tracker.receivedInSnapshot(x, tsMillis, receivedMicros);
    }
    seen = v;
  }
}
