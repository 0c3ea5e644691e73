package dev.baton.server.chaos;

import dev.baton.server.chaos.History.Died;
import dev.baton.server.chaos.History.Ended;
import dev.baton.server.chaos.History.Entry;
import dev.baton.server.chaos.History.Gone;
import dev.baton.server.chaos.History.Grant;
import dev.baton.server.chaos.History.Live;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Judges a {@link History} against SPEC guarantees 1 (single editor), 2 (fencing) and 3 (liveness),
 * from the server's point of view, and lists every violation it finds.
 *
 * <h2>Why the server's clock, and why tokens</h2>
 *
 * A client can never know the exact moment its lock ends: a lease runs out on the server while the
 * expiry event is still on its way, a paused client (GC, a laptop lid) wakes up believing it still
 * edits. So "never two holders" cannot be judged from what clients believed; two clients' beliefs may
 * overlap. Martin Kleppmann, "How to do distributed locking" (2016,
 * https://martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html), shows why a lease-based
 * lock alone cannot give mutual exclusion to clients with pauses and delays, and why a fencing token,
 * strictly increasing per grant and checked by the storage, is the guarantee that actually protects the
 * data: a stale holder's write carries a smaller token and is refused. This checker therefore holds
 * the server to two rules on its own clock, and to the fencing order that makes the rest safe.
 *
 * <h2>The rules</h2>
 *
 * Times are the store's clock (Redis {@code TIME}; in the tests the one clock of the machine), in
 * milliseconds, compared with a tolerance of {@link #CLOCK_TOLERANCE_MS} for the different places that
 * floor microseconds to milliseconds. A lock is known <em>current</em> at its grant instant ({@code
 * expiresAt - remainingMs} of the grant) and at every {@link Live} observation. A lock that has ended
 * never comes back (tokens are never re-granted and a renewal never recreates a lock), so it was
 * current during the whole span from its grant to its last observation.
 *
 * <ol>
 *   <li><b>Single holder.</b> For two grants of one resource with tokens {@code t1 < t2}: the lock
 *       {@code t1} must not be observed current after {@code t2} was granted. That is: the interval
 *       [grant, end) of {@code t1}, where end is the release, expiry or revocation as the server
 *       committed it, must not contain the grant of {@code t2}. We cannot see that end exactly (a
 *       release acknowledgement or expiry event is sent after it, so its {@code ts} is only an upper
 *       bound); using such upper bounds as ends would accuse a correct server. Instead each observation
 *       that the lock was current is a lower bound of its end, and a violation is only reported when a
 *       lower bound of {@code t1}'s end lies after {@code t2}'s grant: certain overlap, no false alarm.
 *       Two more rules close the gap from the other side:
 *       <ul>
 *         <li><b>No life after the lease:</b> an observation of a lock current at {@code x} needs a
 *             lease reaching {@code x}: the grant's or an earlier renewal's {@code expiresAt} must be
 *             at or after {@code x} (when the grant was not recorded, the first observation stands in
 *             for it and is not judged). Overlapping intervals of different sessions are thereby allowed
 *             only when the earlier lock's lease had already ended by the server's clock.</li>
 *         <li><b>No life after an end:</b> no observation of a lock current after an observation that
 *             it had ended ({@link Ended}).</li>
 *       </ul>
 *   <li><b>Fencing order.</b> Per resource, no token is granted to two sessions (a {@code lock.acquire}
 *       by the holder itself renews its lock with the same token: a {@link Live} observation, not a
 *       second grant), and ordering the grants by
 *       token orders them by grant instant: a later grant always carries a larger token, across node
 *       kills and Redis restarts alike.</li>
 *   <li><b>A dead session's locks go.</b> For every {@link Died} lock a {@link Gone} is recorded for the
 *       same resource and token within the {@code boundMs} the test computed (grace + one sweep
 *       interval, plus the node timeout when the node died, plus a stated tolerance).</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class GuaranteeChecker {

  /** Tolerance of comparisons on the server's clock, in milliseconds (flooring to milliseconds). */
  public static final long CLOCK_TOLERANCE_MS = 2;

  /** The violations in {@code history}, each a sentence naming resource, tokens and times; empty if none. */
  public List<String> check(History history) {
    List<Entry> entries = history.entries();
    Map<String, Map<Long, Lock>> byResource = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (Entry e : entries) {
      if (e instanceof Grant g) {
        Lock lock = lock(byResource, g.resource(), g.token());
        if (lock.grant != null && lock.grant.sessionId().equals(g.sessionId())) {
          // lock.acquire by the holder itself renews: same token (SPEC 3)
          lock.lives.add(new Live(g.resource(), g.token(), g.atMs(), g.leaseEndMs(), "acquire by the holder"));
        } else if (lock.grant != null) {
          violations.add(g.resource() + ": token " + g.token() + " granted twice (to " + lock.grant.sessionId()
              + " at " + lock.grant.atMs() + " and to " + g.sessionId() + " at " + g.atMs() + ")");
        } else {
          lock.grant = g;
        }
      } else if (e instanceof Live l) {
        lock(byResource, l.resource(), l.token()).lives.add(l);
      } else if (e instanceof Ended x) {
        Lock lock = lock(byResource, x.resource(), x.token());
        if (lock.ended == null || x.atMs() < lock.ended.atMs()) {
          lock.ended = x;
        }
      }
    }
    byResource.forEach((resource, locks) -> checkResource(resource, locks, violations));
    checkDeaths(entries, violations);
    return violations;
  }

  private static Lock lock(Map<String, Map<Long, Lock>> byResource, String resource, long token) {
    return byResource.computeIfAbsent(resource, r -> new TreeMap<>()).computeIfAbsent(token, t -> new Lock());
  }

  private static void checkResource(String resource, Map<Long, Lock> locks, List<String> violations) {
    List<Map.Entry<Long, Lock>> ordered = new ArrayList<>(locks.entrySet()); // by token (TreeMap)
    // Fencing order: prefix maximum of grant instants never above a later token's grant instant.
    Grant latest = null;
    for (Map.Entry<Long, Lock> e : ordered) {
      Grant g = e.getValue().grant;
      if (g == null) {
        continue;
      }
      if (latest != null && latest.atMs() > g.atMs() + CLOCK_TOLERANCE_MS) {
        violations.add(resource + ": token " + g.token() + " granted at " + g.atMs() + ", before the smaller token "
            + latest.token() + " (granted at " + latest.atMs() + "): tokens must increase with every grant");
      }
      if (latest == null || g.atMs() > latest.atMs()) {
        latest = g;
      }
    }
    // Single holder: a lock observed current after the grant of any larger token.
    Grant firstLater = null;
    for (int i = ordered.size() - 1; i >= 0; i--) {
      long token = ordered.get(i).getKey();
      Lock lock = ordered.get(i).getValue();
      Live last = lock.lives.stream().max(Comparator.comparingLong(Live::atMs)).orElse(null);
      if (firstLater != null && last != null && last.atMs() > firstLater.atMs() + CLOCK_TOLERANCE_MS) {
        violations.add(resource + ": two holders at once: token " + token + " was current at " + last.atMs()
            + " (" + last.what() + "), after token " + firstLater.token() + " was granted to "
            + firstLater.sessionId() + " at " + firstLater.atMs());
      }
      if (lock.grant != null && (firstLater == null || lock.grant.atMs() < firstLater.atMs())) {
        firstLater = lock.grant;
      }
      checkLease(resource, token, lock, violations);
    }
  }

  /**
   * No observation of a current lock beyond the lease known at that moment, or after it ended.
   *
   * <p>A lock with no recorded {@link Grant} (its grant's reply was lost, e.g. in a node kill or a
   * dropped connection, and the session saw its lock only later, in a resume's {@code welcome} or a
   * renewal) has no known lease before its first observation: that observation is the earliest evidence
   * of the lock and is not judged by the lease rule; its {@code leaseEndMs} bounds the next ones. (The
   * other rules still hold it: an observation after an {@link Ended} is still a violation.) Times are
   * compared by difference, so no lease value can overflow.
   */
  private static void checkLease(String resource, long token, Lock lock, List<String> violations) {
    List<Live> lives = new ArrayList<>(lock.lives);
    lives.sort(Comparator.comparingLong(Live::atMs));
    boolean leaseKnown = lock.grant != null;
    long lease = leaseKnown ? lock.grant.leaseEndMs() : 0;
    for (Live l : lives) {
      if (leaseKnown && l.atMs() - lease > CLOCK_TOLERANCE_MS) {
        violations.add(resource + ": token " + token + " was current at " + l.atMs() + " (" + l.what()
            + ") although its lease had ended at " + lease + " with no renewal in between");
      }
      if (lock.ended != null && l.atMs() - lock.ended.atMs() > CLOCK_TOLERANCE_MS) {
        violations.add(resource + ": token " + token + " was current at " + l.atMs() + " (" + l.what()
            + ") after it had ended by " + lock.ended.atMs() + " (" + lock.ended.what() + ")");
      }
      lease = leaseKnown ? Math.max(lease, l.leaseEndMs()) : l.leaseEndMs();
      leaseKnown = true;
    }
  }

  private static void checkDeaths(List<Entry> entries, List<String> violations) {
    Map<String, Gone> gone = new HashMap<>();
    for (Entry e : entries) {
      if (e instanceof Gone g) {
        gone.putIfAbsent(g.resource() + "#" + g.token(), g);
      }
    }
    for (Entry e : entries) {
      if (e instanceof Died d) {
        Gone g = gone.get(d.resource() + "#" + d.token());
        if (g == null) {
          violations.add(d.resource() + ": the lock (token " + d.token() + ") of session " + d.sessionId()
              + ", dead (" + d.why() + "), was never seen gone");
        } else {
          long tookMs = (g.atNanos() - d.atNanos()) / 1_000_000;
          if (tookMs > d.boundMs()) {
            violations.add(d.resource() + ": the lock (token " + d.token() + ") of session " + d.sessionId()
                + ", dead (" + d.why() + "), was gone only after " + tookMs + " ms (bound " + d.boundMs() + " ms)");
          }
        }
      }
    }
  }

  /** What the history says about one lock (one token of one resource). Confined to one check. */
  private static final class Lock {
    Grant grant;
    final List<Live> lives = new ArrayList<>();
    Ended ended;
  }
}
