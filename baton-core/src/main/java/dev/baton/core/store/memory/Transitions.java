package dev.baton.core.store.memory;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockExpiring;
import dev.baton.core.event.LockGranted;
import dev.baton.core.event.LockQueued;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.TakeoverDeclined;
import dev.baton.core.fencing.FencingCounter;
import dev.baton.core.model.Holder;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Role;
import dev.baton.core.resource.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every change of the memory store's state that others must hear about, each publishing its events
 * in order: grants, ends of locks (release, expiry, revocation), hand-off to a takeover requester or
 * the head of the queue, presence changes, and retiring what ran out of time. Guarded by the store's
 * lock.
 */
final class Transitions {

  private final MemoryState st;
  private final EventSink sink;
  private final FencingCounter counter;

  Transitions(MemoryState st, EventSink sink, FencingCounter counter) {
    this.st = st;
    this.sink = sink;
    this.counter = counter;
  }

  // ---------------------------------------------------------------- locks

  /**
   * Why {@code s} cannot get the lock of {@code res} now, or null: held by another session, blocked
   * by the document hierarchy, or (unless {@code ignoreLimit}) over the per-user limit. Settles what
   * it looks at.
   */
  BatonException blocker(SessionRecord s, ResourceRecord res, boolean ignoreLimit) {
    if (res.lock != null && !res.lock.sessionIs(s.id)) {
      return Refusals.lockHeld(st, s, res, res);
    }
    BatonException hierarchy = hierarchyBlocker(s, res);
    if (hierarchy != null || ignoreLimit) {
      return hierarchy;
    }
    DocumentRecord doc = st.documentOf(res);
    int limit = st.policy(res.id).maxLocksPerUserPerDocument();
    if (doc.children.size() <= limit) {
      // res is free (else refused above), so the user holds at most the other size - 1 < limit.
      return null;
    }
    long held = 0;
    // Settling a child never adds or drops one (only MemoryState.orCreate and drop do).
    for (ResourceRecord child : doc.children.values()) {
      settle(child);
      if (child.lock != null && child.lock.holder.userId().equals(s.userId)) {
        held++;
      }
    }
    if (held >= limit) {
      return Refusals.limit(ErrorCode.LOCK_LIMIT,
          s.name + " already holds " + held + (held == 1 ? " lock" : " locks") + " in " + res.id.document()
              + ", the limit", limit, held);
    }
    return null;
  }

  /** LOCK_HELD when another session holds the document lock (for a child) or a child (for the document lock). */
  BatonException hierarchyBlocker(SessionRecord s, ResourceRecord res) {
    DocumentRecord doc = st.documentOf(res);
    if (res.id.isDocumentLock()) {
      for (ResourceRecord child : doc.children.values()) {
        if (child != res) {
          settle(child);
          if (child.lock != null && !child.lock.sessionIs(s.id)) {
            return Refusals.lockHeld(st, s, res, child);
          }
        }
      }
      return null;
    }
    ResourceRecord docLock = doc.children.get(ResourceId.DOCUMENT_LOCK);
    if (docLock != null) {
      settle(docLock);
      if (docLock.lock != null && !docLock.lock.sessionIs(s.id)) {
        return Refusals.lockHeld(st, s, res, docLock);
      }
    }
    return null;
  }

  /** Gives {@code s} the lock with a new token; it leaves the queue and, if a member, becomes editor. */
  void grant(SessionRecord s, ResourceRecord res) {
    st.changed(res);
    long token = counter.next();
    res.lock = new LockRecord(s.holder, token, st.clock.wallMillis(), st.now(),
        st.policy(res.id).lockTtl().toNanos());
    res.lastGrantedToken = token;
    res.touchedNanos = st.now();
    st.locksHeld++;
    dequeue(res, s.id);
    setMember(res, s.id, Role.EDITOR, null);
  }

  /** Extends the lock by its TTL from now and re-arms the expiry warning. */
  void renew(ResourceRecord res) {
    st.changed(res);
    res.lock.renewedAtNanos = st.now();
    res.lock.warned = false;
    publishLock(res);
  }

  /**
   * Removes the lock, remembering why for verify, and schedules the hand-off. The former holder's
   * member record is left to the caller.
   */
  void endLock(ResourceRecord res, String reason) {
    st.changed(res);
    res.lastEndedToken = res.lock.token;
    res.lastEndReason = reason;
    res.lock = null;
    res.touchedNanos = st.now();
    st.locksHeld--;
    st.handOffDue(res.doc);
  }

  /** Releases the holder's lock: it becomes a viewer, members are told. */
  void release(ResourceRecord res) {
    String holder = res.lock.holder.sessionId();
    endLock(res, "released");
    setMember(res, holder, Role.VIEWER, null);
    publishLock(res);
  }

  /** Takes the lock from its holder, who is told ({@code lock.revoked}) and becomes a viewer. */
  void revoke(ResourceRecord res, Holder by, String reason, String endReason) {
    LockRecord lock = res.lock;
    endLock(res, endReason);
    sink.publish(new LockRevoked(lock.holder.sessionId(), res.id, lock.token, by, reason));
    setMember(res, lock.holder.sessionId(), Role.VIEWER, null);
  }

  private void expire(ResourceRecord res) {
    LockRecord lock = res.lock;
    endLock(res, "expired");
    sink.publish(new LockExpired(lock.holder.sessionId(), res.id, lock.token));
    setMember(res, lock.holder.sessionId(), Role.VIEWER, null);
    publishLock(res);
  }

  /**
   * Gives the lock to {@code requester} (new token) unless the document hierarchy blocks it; a current
   * holder is revoked and becomes a viewer.
   *
   * @param pushGrant also push {@code lock.granted} (the requester did not ask just now)
   * @return the blocking refusal, or null when the lock moved
   */
  BatonException transfer(ResourceRecord res, SessionRecord requester, String reason, boolean pushGrant) {
    BatonException blocked = hierarchyBlocker(requester, res);
    if (blocked != null) {
      return blocked;
    }
    if (res.lock != null) {
      revoke(res, requester.holder, reason, "superseded");
    }
    grant(requester, res);
    if (pushGrant) {
      sink.publish(new LockGranted(requester.id, st.lease(res)));
    }
    publishLock(res);
    return null;
  }

  /**
   * The pending takeover's moment has come (deadline, acceptance, or the lock freed): the lock passes
   * to its requester if it still can; a requester that is gone is forgotten, a blocked one is told.
   */
  void completeTakeover(ResourceRecord res) {
    st.changed(res);
    TakeoverRecord t = res.takeover;
    res.takeover = null;
    SessionRecord requester = st.sessions.get(t.by.sessionId());
    if (requester == null || !res.members.containsKey(requester.id)) {
      publishLock(res);
      return;
    }
    BatonException blocked = transfer(res, requester, t.reason, true);
    if (blocked != null) {
      sink.publish(new TakeoverDeclined(requester.id, res.id, null, blocked.getMessage()));
      publishLock(res);
    }
  }

  void publishLock(ResourceRecord res) {
    sink.publish(new LockStateChanged(res.id, st.lockState(res, null)));
  }

  // ---------------------------------------------------------------- queue and hand-off

  /** Appends {@code s} to the queue (if not already in it) and returns its 1-based position. */
  int enqueue(ResourceRecord res, SessionRecord s) {
    if (res.waiters.add(s.id)) {
      publishLock(res);
    }
    return position(res, s.id);
  }

  static int position(ResourceRecord res, String sessionId) {
    int i = 1;
    for (String w : res.waiters) {
      if (w.equals(sessionId)) {
        return i;
      }
      i++;
    }
    return 0;
  }

  /** Removes {@code sessionId} from the queue; everyone behind it is told its new position. */
  boolean dequeue(ResourceRecord res, String sessionId) {
    if (res.waiters.isEmpty()) {
      return false;
    }
    int removedAt = position(res, sessionId);
    if (removedAt == 0) {
      return false;
    }
    res.waiters.remove(sessionId);
    int i = 1;
    for (String w : res.waiters) {
      if (i >= removedAt) {
        sink.publish(new LockQueued(w, res.id, i));
      }
      i++;
    }
    return true;
  }

  /**
   * Hands every free lock of the documents marked due to its next owner: the pending takeover's
   * requester first, else the first waiter that is connected, still a member, and not blocked. Waiters
   * that left or ended are dropped; away ones keep their place. Repeats until nothing is due.
   */
  void handOff() {
    DocumentRecord doc;
    while ((doc = st.handOffDue.poll()) != null) {
      doc.handOffDue = false;
      if (st.documents.get(doc.key) != doc) {
        continue;
      }
      // Neither a takeover nor a grant adds or drops a child (only MemoryState.orCreate and drop do).
      for (ResourceRecord res : doc.children.values()) {
        if (res.lock == null && res.takeover != null) {
          completeTakeover(res);
        }
        if (res.lock == null && !res.waiters.isEmpty()) {
          handToWaiter(res);
        }
      }
    }
  }

  private void handToWaiter(ResourceRecord res) {
    for (String w : List.copyOf(res.waiters)) {
      SessionRecord s = st.sessions.get(w);
      if (s == null || !res.members.containsKey(w)) {
        dequeue(res, w);
        continue;
      }
      if (!s.connected || blocker(s, res, false) != null) {
        continue;
      }
      grant(s, res);
      sink.publish(new LockGranted(s.id, st.lease(res)));
      publishLock(res);
      return;
    }
  }

  // ---------------------------------------------------------------- presence

  /** Changes a member's role and/or status (null keeps it) and announces it, if it is a member. */
  void setMember(ResourceRecord res, String sessionId, Role role, MemberStatus status) {
    Member m = res.members.get(sessionId);
    if (m == null) {
      return;
    }
    Member changed = new Member(m.sessionId(), m.userId(), m.name(), role == null ? m.role() : role,
        status == null ? m.status() : status, st.clock.wallMillis());
    if (changed.role() == m.role() && changed.status() == m.status()) {
      return;
    }
    res.members.put(sessionId, changed);
    res.presenceVersion++;
    sink.publish(new PresenceChanged(res.id, res.presenceVersion, changed));
  }

  /**
   * Removes a membership: its lock released (or announced expired, when its time ran out first), its
   * queue place and pending takeover dropped.
   */
  void removeMembership(SessionRecord s, ResourceRecord res, LeaveReason reason) {
    st.changed(res);
    if (res.lock != null && res.lock.sessionIs(s.id)) {
      if (res.lock.remainingNanos(st.now()) <= 0) {
        expire(res);
      } else {
        endLock(res, "released");
        publishLock(res);
      }
    }
    boolean queueChanged = dequeue(res, s.id);
    if (res.takeover != null && res.takeover.by.sessionId().equals(s.id)) {
      res.takeover = null;
      queueChanged = true;
    }
    if (queueChanged) {
      publishLock(res);
    }
    Member m = res.members.remove(s.id);
    s.memberships.remove(res.id);
    res.presenceVersion++;
    res.touchedNanos = st.now();
    sink.publish(new PresenceLeft(res.id, res.presenceVersion, m, reason));
  }

  // ---------------------------------------------------------------- time

  /**
   * Retires what ran out of time in one resource: members whose grace ended, then the lock's expiry
   * or the takeover deadline, whichever came first.
   */
  void settle(ResourceRecord res) {
    st.changed(res);
    if (anyAway(res)) {
      for (Member m : List.copyOf(res.members.values())) {
        if (m.status() == MemberStatus.AWAY) {
          SessionRecord s = st.sessions.get(m.sessionId());
          if (graceOver(s, res.id)) {
            removeMembership(s, res, LeaveReason.DISCONNECTED);
          }
        }
      }
    }
    LockRecord lock = res.lock;
    if (lock == null) {
      return;
    }
    long now = st.now();
    long lockLeft = lock.remainingNanos(now);
    long takeoverLeft = res.takeover == null ? Long.MAX_VALUE : res.takeover.deadlineNanos - now;
    if (lockLeft <= 0 && lockLeft <= takeoverLeft) {
      expire(res);
    } else if (takeoverLeft <= 0) {
      completeTakeover(res);
    }
  }

  /** Whether a member is away, so that its grace may have ended (a walk, no copy: the common case is none). */
  private static boolean anyAway(ResourceRecord res) {
    for (Member m : res.members.values()) {
      if (m.status() == MemberStatus.AWAY) {
        return true;
      }
    }
    return false;
  }

  boolean graceOver(SessionRecord s, ResourceId r) {
    Duration grace = st.policy(r).disconnectGrace();
    return !s.connected && st.now() - s.awaySinceNanos >= grace.toNanos();
  }

  /**
   * Retires the memberships of an away session whose grace ran out, and the session itself once it has
   * none left and the default grace is over.
   *
   * @return whether the session ended
   */
  boolean settleSession(SessionRecord s) {
    if (s.connected) {
      return false;
    }
    for (ResourceId r : List.copyOf(s.memberships)) {
      if (graceOver(s, r)) {
        removeMembership(s, st.resource(r), LeaveReason.DISCONNECTED);
      }
    }
    long away = st.now() - s.awaySinceNanos;
    if (s.memberships.isEmpty() && away >= st.policies.defaultPolicy().disconnectGrace().toNanos()) {
      removeSession(s, LeaveReason.DISCONNECTED);
      return true;
    }
    return false;
  }

  /** Ends the session: every membership removed (with {@code reason}), then {@code SessionEnded}. */
  void removeSession(SessionRecord s, LeaveReason reason) {
    for (ResourceId r : new ArrayList<>(s.memberships)) {
      removeMembership(s, st.resource(r), reason);
    }
    st.sessions.remove(s.id);
    st.sessionsOfUser.computeIfPresent(s.userId, (u, n) -> n <= 1 ? null : n - 1);
    st.sessionByResumeHash.remove(s.resumeTokenHash);
    st.timers.cancel(s);
    sink.publish(new SessionEnded(s.id, s.userId, reason));
  }

  /** Sends {@code lock.expiring} once when the lock's remaining time falls below the warning. */
  void warnIfExpiring(ResourceRecord res) {
    LockRecord lock = res.lock;
    if (lock == null || lock.warned) {
      return;
    }
    if (lock.remainingNanos(st.now()) < st.policy(res.id).expiryWarning().toNanos()) {
      lock.warned = true;
      sink.publish(new LockExpiring(lock.holder.sessionId(), st.lease(res)));
    }
  }
}
