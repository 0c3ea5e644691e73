package dev.baton.server.loadgen;

/**
 * Fan-out latency of one document: for each presence change (identified by its presence {@code
 * version}), how long from the change to the moment the <em>last</em> member received it.
 *
 * <p>Method: every member of the resource (the actor included: the server sends a change to its sender
 * too) reports each presence event with the server's {@code ts} on its copy and the local wall-clock
 * receive time. The change happened no later than the earliest {@code ts} among the copies (each copy
 * is stamped when the server writes it, the first one right after the commit); it reached everyone at
 * the latest receive time. Fan-out = latest receive − earliest {@code ts}. Both clocks are this
 * machine's wall clock; {@code ts} has millisecond resolution, so a figure may be up to 1 ms high,
 * never low.
 *
 * <p>Versions up to the one after the last member joined are ignored. A change is complete when all
 * {@code members} copies arrived; one whose slot is reused before that (a member fell {@value #SLOTS}
 * changes behind, or never got it) is counted as incomplete.
 *
 * <p>Thread-safe: members of one document may live on different event loops; every method
 * synchronizes on the tracker (uncontended in the common case, a few instructions inside).
 */
final class FanoutTracker {

  static final int SLOTS = 32;

  private final int members;
  private final Stats stats;
  private final long[] version = new long[SLOTS];
  private final int[] count = new int[SLOTS];
  private final long[] minTsMillis = new long[SLOTS];
  private final long[] maxReceivedMicros = new long[SLOTS];
  private long baseline;

  /**
   * @param members how many connections receive each change
   * @param stats where complete changes are recorded ({@link Stats.Series#FANOUT})
   */
  FanoutTracker(int members, Stats stats) {
    this.members = members;
    this.stats = stats;
    start();
  }

  /** Ignore changes up to this presence version (the joins). */
  synchronized void baseline(long presenceVersion) {
    baseline = Math.max(baseline, presenceVersion);
  }

  /**
   * Forgets partial counts: called once every member has joined, since a join event may have been
   * counted by an early member before the joiner's own reply raised the baseline.
   */
  synchronized void start() {
    java.util.Arrays.fill(version, -1);
  }

  /**
   * One member received a presence event.
   *
   * @param v the event's presence version
   * @param tsMillis the server's {@code ts} on this copy, epoch milliseconds
   * @param receivedMicros the local wall-clock receive time, epoch microseconds
   */
  synchronized void received(long v, long tsMillis, long receivedMicros) {
    if (v <= baseline) {
      return;
    }
    int s = (int) (v % SLOTS);
    if (version[s] != v) {
      if (version[s] > v) {
        return; // a late copy of a change whose slot was already reused: counted as incomplete then
      }
      if (version[s] >= 0 && count[s] < members) {
        stats.fanoutIncomplete.increment();
      }
      version[s] = v;
      count[s] = 0;
      minTsMillis[s] = tsMillis;
      maxReceivedMicros[s] = receivedMicros;
    }
    count[s]++;
    minTsMillis[s] = Math.min(minTsMillis[s], tsMillis);
    maxReceivedMicros[s] = Math.max(maxReceivedMicros[s], receivedMicros);
    if (count[s] == members) {
      Phase p = stats.phase();
      boolean measured = p != null && p.measuresChangeAt(minTsMillis[s]);
      stats.record(Stats.Series.FANOUT, maxReceivedMicros[s] - minTsMillis[s] * 1000, measured);
    }
  }
}
