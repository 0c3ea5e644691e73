package dev.baton.server.loadgen;

/**
 * Fan-out latency of one document: for each presence change (identified by its presence {@code
 * version}), how long from the change to the moment the <em>last</em> member received it.
 *
 * <p>Method: every member of the resource (the actor included: the server sends a change to its sender
 * too) reports each presence change it gets once, with the server's {@code ts} on its copy and the
 * local wall-clock receive time. The change happened no later than the earliest {@code ts} among the
 * copies (each copy is stamped when the server writes it, the first one right after the commit); it
 * reached everyone at the latest receive time. Fan-out = latest receive − earliest {@code ts}. Both
 * clocks are this machine's wall clock; {@code ts} has millisecond resolution, so a figure may be up
 * to 1 ms high, never low.
 *
 * <p>A member may get a change inside a {@code presence} snapshot instead of as a {@code presence.*}
 * event (a node that resynchronizes its members after it waited too long for a batch from Redis, or
 * after its subscription was confirmed): the member then reports every version the snapshot covers
 * ({@link #receivedInSnapshot}), the change counts as received when the snapshot arrived, and a change
 * that reached anyone that way is also counted in {@code fanoutViaSnapshot}.
 *
 * <p>Nothing is counted before {@link #start} (every member joined), nor versions up to the one after
 * the last member joined ({@link #baseline}): on the Redis store a join's {@code presence.joined}
 * reaches the other members before the joiner's reply raises the baseline, so such copies must not be
 * taken for changes. A change is complete when all {@code members} reported it; one whose slot is
 * reused before that (a member fell {@value #SLOTS} changes behind, or never got it) is counted once
 * as incomplete.
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
  private final boolean[] viaSnapshot = new boolean[SLOTS];
  private long baseline;
  private boolean started;

  /**
   * @param members how many connections receive each change
   * @param stats where complete changes are recorded ({@link Stats.Series#FANOUT}), and the counts of
   *     incomplete changes and of changes that reached a member inside a snapshot
   */
  FanoutTracker(int members, Stats stats) {
    this.members = members;
    this.stats = stats;
    java.util.Arrays.fill(version, -1);
  }

  /** Ignore changes up to this presence version (the joins). */
  synchronized void baseline(long presenceVersion) {
    baseline = Math.max(baseline, presenceVersion);
  }

  /**
   * Starts counting: called once every member has joined. Copies reported before are forgotten; they
   * were joins, whose copies can arrive before the joiner's reply raised the baseline.
   */
  synchronized void start() {
    java.util.Arrays.fill(version, -1);
    started = true;
  }

  /**
   * One member received a presence event ({@code presence.joined|changed|left}); each member reports
   * a version once.
   *
   * @param v the event's presence version
   * @param tsMillis the server's {@code ts} on this copy, epoch milliseconds
   * @param receivedMicros the local wall-clock receive time, epoch microseconds
   */
  synchronized void received(long v, long tsMillis, long receivedMicros) {
    copy(v, tsMillis, receivedMicros, false);
  }

  /**
   * One member received presence version {@code v} inside a {@code presence} snapshot (which stands for
   * every version up to its own that the member had not received).
   *
   * @param v a presence version the snapshot covers
   * @param tsMillis the server's {@code ts} on the snapshot, epoch milliseconds (not earlier than the
   *     change, so the figure stays never low)
   * @param receivedMicros the local wall-clock receive time of the snapshot, epoch microseconds
   */
  synchronized void receivedInSnapshot(long v, long tsMillis, long receivedMicros) {
    copy(v, tsMillis, receivedMicros, true);
  }

  private void copy(long v, long tsMillis, long receivedMicros, boolean snapshot) {
    if (!started || v <= baseline) {
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
      viaSnapshot[s] = false;
    }
    count[s]++;
    minTsMillis[s] = Math.min(minTsMillis[s], tsMillis);
    maxReceivedMicros[s] = Math.max(maxReceivedMicros[s], receivedMicros);
    viaSnapshot[s] |= snapshot;
    if (count[s] == members) {
      Phase p = stats.phase();
      boolean measured = p != null && p.measuresChangeAt(minTsMillis[s]);
      stats.record(Stats.Series.FANOUT, maxReceivedMicros[s] - minTsMillis[s] * 1000, measured);
      if (viaSnapshot[s]) {
        stats.fanoutViaSnapshot.increment();
      }
    }
  }
}
