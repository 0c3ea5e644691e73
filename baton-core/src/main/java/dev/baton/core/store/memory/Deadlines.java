package dev.baton.core.store.memory;

import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.Store;

/**
 * When each record of the memory store next needs the sweep, and what the sweep does then. A resource
 * is due at the earliest of: its lock's expiry warning (once per grant or renewal), its lock's expiry,
 * its pending takeover's deadline, the end of a user's {@code lock.request} interval (to forget it), and,
 * once nothing is left in it, {@link MemoryStore#IDLE_RECORD_TTL} after its last change (to drop it).
 * An away session is due at the earliest end of a grace of its memberships, or, with none left, at the
 * end of the default grace. A resource or session with none of these is not in the index, so idle
 * joined connections cost the sweep nothing.
 *
 * <p>A deadline may be armed early, never late: a record whose deadline comes finds out what is really
 * due and is re-armed for the next one. Operations decide from the state at their own time ({@link
 * Transitions#settle}) whether or not the sweep has run, so the sweep only makes announcements happen on
 * time; it does the same work the full scan did, for the records that are due, in deadline order.
 *
 * <p>Guarded by the store's lock.
 */
final class Deadlines {

  private final MemoryState st;
  private final Transitions tx;

  Deadlines(MemoryState st, Transitions tx) {
    this.st = st;
    this.tx = tx;
  }

  /**
   * Retires and announces everything due at the store's time now, then re-arms what it touched. Costs
   * O(due · log n) for n armed deadlines.
   */
  void sweep() {
    long now = st.now();
    DeadlineIndex.Entry due;
    while ((due = st.timers.pollDue(now)) != null) {
      if (due instanceof ResourceRecord res) {
        fire(res, now);
      } else {
        fire((SessionRecord) due);
      }
      tx.handOff();
      rearmChanged();
    }
  }

  /** Re-arms (or disarms) every resource the operation marked {@link MemoryState#changed}. */
  void rearmChanged() {
    for (int i = 0; i < st.changed.size(); i++) {
      ResourceRecord res = st.changed.get(i);
      res.changed = false;
      rearm(res);
    }
    st.changed.clear();
  }

  /** Arms an away session for its next end of grace; a connected one is disarmed. */
  void rearm(SessionRecord s) {
    if (s.connected || st.sessions.get(s.id) != s) {
      st.timers.cancel(s);
      return;
    }
    long next;
    if (s.memberships.isEmpty()) {
      next = s.awaySinceNanos + st.policies.defaultPolicy().disconnectGrace().toNanos();
    } else {
      boolean any = false;
      next = 0;
      for (ResourceId r : s.memberships) {
        long end = s.awaySinceNanos + st.policy(r).disconnectGrace().toNanos();
        next = any ? earlier(next, end) : end;
        any = true;
      }
    }
    st.timers.arm(s, next);
  }

  private void rearm(ResourceRecord res) {
    if (st.lookup(res.id) != res) {
      st.timers.cancel(res);
      return;
    }
    // The earliest of the candidates below; "any" because every long is a valid monotonic reading.
    boolean any = false;
    long next = 0;
    LockRecord lock = res.lock;
    if (lock != null) {
      long expiry = lock.renewedAtNanos + lock.ttlNanos;
      any = true;
      next = expiry;
      if (!lock.warned) {
        // Warned once the remaining time is strictly below the warning (Transitions.warnIfExpiring).
        next = earlier(next, expiry - st.policy(res.id).expiryWarning().toNanos() + 1);
      }
      if (res.takeover != null) {
        next = earlier(next, res.takeover.deadlineNanos);
      }
    }
    if (!res.lastRequestNanos.isEmpty()) {
      long interval = Store.REQUEST_INTERVAL.toNanos();
      for (long t : res.lastRequestNanos.values()) {
        next = any ? earlier(next, t + interval) : t + interval;
        any = true;
      }
    } else if (res.idle() && res.waiters.isEmpty()) {
      long drop = res.touchedNanos + MemoryStore.IDLE_RECORD_TTL.toNanos();
      next = any ? earlier(next, drop) : drop;
      any = true;
    }
    if (any) {
      st.timers.arm(res, next);
    } else {
      st.timers.cancel(res);
    }
  }

  /** The earlier of two monotonic readings, compared overflow-safely. */
  private static long earlier(long a, long b) {
    return b - a < 0 ? b : a;
  }

  /** What the full scan did for one resource: settle, warn, forget old requests, drop if long idle. */
  private void fire(ResourceRecord res, long now) {
    if (st.lookup(res.id) != res) {
      return;
    }
    st.changed(res);
    tx.settle(res);
    tx.handOff();
    tx.warnIfExpiring(res);
    long interval = Store.REQUEST_INTERVAL.toNanos();
    res.lastRequestNanos.values().removeIf(t -> now - t >= interval);
    if (res.idle() && res.waiters.isEmpty() && now - res.touchedNanos >= MemoryStore.IDLE_RECORD_TTL.toNanos()) {
      st.drop(res);
    }
  }

  /** An away session's grace ended for some memberships, or for itself. */
  private void fire(SessionRecord s) {
    if (st.sessions.get(s.id) != s || s.connected) {
      return;
    }
    if (!tx.settleSession(s)) {
      rearm(s);
    }
  }

}
