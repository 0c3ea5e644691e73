package dev.baton.core.store.memory;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockRequested;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.TakeoverDeclined;
import dev.baton.core.event.TakeoverRequested;
import dev.baton.core.fencing.FencingCounter;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.Holder;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Presence;
import dev.baton.core.model.ResourceState;
import dev.baton.core.model.Role;
import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.session.ResumeTokens;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.ResourceLock;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import dev.baton.core.store.Verification;
import dev.baton.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The store of a single node: all state in this JVM, every operation under one lock, time from the
 * injected monotonic {@link Clock}. The default wiring; see {@link Store} for the contract.
 *
 * <p>Thread-safe. Every operation completes its stage before returning. Events are handed to the sink
 * while the lock is held, so they leave in commit order. One lock rather than one per document:
 * operations take microseconds, a session's heartbeat spans documents, and the benchmark decides
 * whether striping ever pays. The data and read models live in {@link MemoryState}, the changes that
 * publish events in {@link Transitions}; this class maps each operation onto them.
 */
public final class MemoryStore implements Store {

  /** How long an idle resource's record of its last lock is kept for {@code verify}. */
  static final Duration IDLE_RECORD_TTL = Duration.ofHours(1);

  private final EventSink sink;
  private final ReentrantLock guard = new ReentrantLock();
  private final MemoryState st;
  private final Transitions tx;
  private final Deadlines deadlines;

  /**
   * @param clock the time authority of this store
   * @param policies TTLs, graces and limits by resource type
   * @param counter fencing token source, increasing across restarts for production use
   * @param sink receives every event in commit order, under the store's lock
   */
  public MemoryStore(Clock clock, Policies policies, FencingCounter counter, EventSink sink) {
    this.sink = Objects.requireNonNull(sink);
    this.st = new MemoryState(Objects.requireNonNull(clock), Objects.requireNonNull(policies));
    this.tx = new Transitions(st, sink, Objects.requireNonNull(counter));
    this.deadlines = new Deadlines(st, tx);
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public CompletionStage<SessionGrant> openSession(Principal principal, String connectionId, int maxSessionsPerUser) {
    return run(() -> newSession(principal, connectionId, maxSessionsPerUser));
  }

  @Override
  public CompletionStage<SessionGrant> resumeSession(
      Principal principal, String resumeToken, String connectionId, int maxSessionsPerUser) {
    return run(() -> {
      SessionRecord s = st.sessions.get(st.sessionByResumeHash.get(ResumeTokens.hash(resumeToken)));
      if (s == null || !s.userId.equals(principal.userId()) || tx.settleSession(s)) {
        return newSession(principal, connectionId, maxSessionsPerUser);
      }
      boolean wasAway = !s.connected;
      s.connected = true;
      s.connectionId = connectionId;
      deadlines.rearm(s);
      st.sessionByResumeHash.remove(s.resumeTokenHash);
      String token = ResumeTokens.newToken();
      s.resumeTokenHash = ResumeTokens.hash(token);
      st.sessionByResumeHash.put(s.resumeTokenHash, s.id);
      sink.publish(new SessionAttached(s.id, connectionId, List.copyOf(s.memberships)));
      if (wasAway) {
        for (ResourceId r : s.memberships) {
          ResourceRecord res = st.resource(r);
          tx.setMember(res, s.id, null, MemberStatus.ONLINE);
          if (res.lock != null && res.lock.sessionIs(s.id)) {
            tx.publishLock(res);
          }
          if (res.waiters.contains(s.id)) {
            st.handOffDue(res.doc);
          }
        }
      }
      List<ResourceState> states = new ArrayList<>();
      for (ResourceId r : s.memberships) {
        states.add(st.view(st.resource(r), s.id));
      }
      return new SessionGrant(s.id, token, true, states);
    });
  }

  @Override
  public CompletionStage<Void> disconnect(String sessionId, String connectionId) {
    return run(() -> {
      SessionRecord s = st.sessions.get(sessionId);
      if (s == null || !s.connected || !s.connectionId.equals(connectionId)) {
        return null;
      }
      for (ResourceId r : List.copyOf(s.memberships)) {
        settle(st.resource(r));
      }
      s.connected = false;
      s.awaySinceNanos = st.now();
      for (ResourceId r : s.memberships) {
        ResourceRecord res = st.resource(r);
        tx.setMember(res, s.id, null, MemberStatus.AWAY);
        if (res.lock != null && res.lock.sessionIs(s.id)) {
          tx.publishLock(res);
        }
      }
      if (!tx.settleSession(s)) {
        deadlines.rearm(s);
      }
      return null;
    });
  }

  @Override
  public CompletionStage<Void> endSession(String sessionId) {
    return run(() -> {
      SessionRecord s = st.sessions.get(sessionId);
      if (s != null) {
        tx.removeSession(s, LeaveReason.BYE);
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- membership

  @Override
  public CompletionStage<JoinResult> join(String sessionId, ResourceId resource, JoinMode mode, boolean canEdit) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      Policy policy = st.policy(resource);
      ResourceRecord res = st.orCreate(resource);
      settle(res);
      boolean wantsEdit = mode == JoinMode.EDIT;
      boolean holds = res.lock != null && res.lock.sessionIs(s.id);
      BatonException refusal = null;
      if (wantsEdit && !holds) {
        refusal = canEdit ? tx.blocker(s, res, false)
            : new BatonException(ErrorCode.FORBIDDEN, "no edit access to " + resource);
      }
      boolean asEditor = wantsEdit && refusal == null;
      if (!res.members.containsKey(s.id)) {
        if (s.memberships.size() >= policy.maxJoinsPerSession()) {
          throw Refusals.limit(ErrorCode.JOIN_LIMIT, "this session has joined " + s.memberships.size()
              + " resources, the limit for " + resource.type(), policy.maxJoinsPerSession(), s.memberships.size());
        }
        long viewers = res.members.values().stream().filter(m -> m.role() == Role.VIEWER).count();
        if (!asEditor && viewers >= policy.maxViewers()) {
          throw Refusals.limit(ErrorCode.VIEWER_LIMIT, resource + " has " + viewers + " viewers, the limit",
              policy.maxViewers(), viewers);
        }
        if (asEditor) {
          tx.grant(s, res);
        }
        Member m = new Member(s.id, s.userId, s.name, asEditor ? Role.EDITOR : Role.VIEWER,
            MemberStatus.ONLINE, st.clock.wallMillis());
        res.members.put(s.id, m);
        s.memberships.add(resource);
        res.presenceVersion++;
        sink.publish(new PresenceJoined(resource, res.presenceVersion, m));
        if (asEditor) {
          tx.publishLock(res);
        }
      } else if (asEditor && !holds) {
        tx.grant(s, res);
        tx.publishLock(res);
      }
      res.touchedNanos = st.now();
      if (refusal == null) {
        return JoinResult.as(st.view(res, s.id));
      }
      return new JoinResult(st.view(res, s.id), true, refusal.code(), refusal.getMessage(),
          (String) refusal.details().get("lockResource"));
    });
  }

  @Override
  public CompletionStage<Void> leave(String sessionId, ResourceId resource) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.existing(resource);
      if (res != null && res.members.containsKey(s.id)) {
        tx.removeMembership(s, res, LeaveReason.LEFT);
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- locks

  @Override
  public CompletionStage<AcquireResult> acquire(
      String sessionId, ResourceId resource, boolean takeOwn, boolean wait) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.joined(s, resource);
      settle(res);
      LockRecord lock = res.lock;
      if (lock != null && lock.sessionIs(s.id)) {
        tx.renew(res);
        return new AcquireResult.Granted(st.lease(res));
      }
      if (lock != null && takeOwn && lock.holder.userId().equals(s.userId)) {
        tx.revoke(res, s.holder, "taken over by another tab of the same user", "superseded");
      } else {
        BatonException blocked = tx.blocker(s, res, false);
        if (blocked != null) {
          if (wait && blocked.code() == ErrorCode.LOCK_HELD && st.policy(resource).conflict() == Conflict.QUEUE) {
            return new AcquireResult.Queued(resource, tx.enqueue(res, s));
          }
          throw blocked;
        }
      }
      tx.grant(s, res);
      tx.publishLock(res);
      return new AcquireResult.Granted(st.lease(res));
    });
  }

  @Override
  public CompletionStage<Void> release(String sessionId, ResourceId resource) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.existing(resource);
      if (res != null) {
        settle(res);
      }
      if (res == null || res.lock == null || !res.lock.sessionIs(s.id)) {
        throw new BatonException(ErrorCode.NOT_HOLDER, "this session does not hold " + resource);
      }
      tx.release(res);
      return null;
    });
  }

  @Override
  public CompletionStage<Lease> renew(String sessionId, ResourceId resource, long token) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.existing(resource);
      if (res != null) {
        settle(res);
      }
      if (res == null || res.lock == null || !res.lock.sessionIs(s.id) || res.lock.token != token) {
        throw new BatonException(ErrorCode.LOCK_LOST,
            "token " + token + " is no longer current for " + resource + ": stop editing");
      }
      tx.renew(res);
      return st.lease(res);
    });
  }

  @Override
  public CompletionStage<List<Lease>> heartbeat(String sessionId) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      List<Lease> leases = new ArrayList<>();
      for (ResourceId r : List.copyOf(s.memberships)) {
        ResourceRecord res = st.resource(r);
        settle(res);
        if (res.lock != null && res.lock.sessionIs(s.id)) {
          tx.renew(res);
          leases.add(st.lease(res));
        }
      }
      return leases;
    });
  }

  @Override
  public CompletionStage<Void> cancel(String sessionId, ResourceId resource) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.joined(s, resource);
      settle(res);
      boolean cancelled = tx.dequeue(res, s.id);
      if (res.takeover != null && res.takeover.by.sessionId().equals(s.id)) {
        res.takeover = null;
        cancelled = true;
      }
      if (!cancelled) {
        throw new BatonException(ErrorCode.BAD_REQUEST,
            "nothing to cancel: this session is neither queued for nor taking over " + resource);
      }
      tx.publishLock(res);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> request(String sessionId, ResourceId resource, String message) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.joined(s, resource);
      settle(res);
      if (res.lock == null || res.lock.sessionIs(s.id)) {
        throw new BatonException(ErrorCode.BAD_REQUEST, res.lock == null
            ? "nobody is editing " + resource + ": acquire it instead"
            : "you are the editor of " + resource);
      }
      long now = st.now();
      Long last = res.lastRequestNanos.get(s.userId);
      long interval = REQUEST_INTERVAL.toNanos();
      if (last != null && now - last < interval) {
        long retryAfterMs = (interval - (now - last) + 999_999) / 1_000_000;
        throw new BatonException(ErrorCode.RATE_LIMITED, "one request per " + REQUEST_INTERVAL.toSeconds()
            + " s: try again in " + Refusals.humanDuration(retryAfterMs),
            Map.of("retryAfterMs", retryAfterMs));
      }
      res.lastRequestNanos.put(s.userId, now);
      sink.publish(new LockRequested(res.lock.holder.sessionId(), resource, res.members.get(s.id), message));
      return null;
    });
  }

  @Override
  public CompletionStage<AcquireResult> takeover(
      String sessionId, ResourceId resource, String reason, boolean immediate) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.joined(s, resource);
      settle(res);
      if (res.lock == null || res.lock.sessionIs(s.id)) {
        if (res.lock == null) {
          BatonException blocked = tx.blocker(s, res, true);
          if (blocked != null) {
            throw blocked;
          }
          tx.grant(s, res);
          tx.publishLock(res);
        }
        return new AcquireResult.Granted(st.lease(res));
      }
      if (res.takeover != null && !(immediate && res.takeover.by.sessionId().equals(s.id))) {
        throw new BatonException(ErrorCode.TAKEOVER_PENDING,
            res.takeover.by.name() + " is already taking over " + resource);
      }
      if (immediate) {
        BatonException blocked = tx.hierarchyBlocker(s, res);
        if (blocked != null) {
          throw blocked;
        }
        res.takeover = null;
        tx.transfer(res, s, reason, false);
        return new AcquireResult.Granted(st.lease(res));
      }
      BatonException blocked = tx.hierarchyBlocker(s, res);
      if (blocked != null) {
        throw blocked;
      }
      Holder by = s.holder;
      res.takeover = new TakeoverRecord(by, reason, st.now() + st.policy(resource).takeover().timeout().toNanos());
      sink.publish(new TakeoverRequested(res.lock.holder.sessionId(), resource, st.takeoverState(res), reason));
      tx.publishLock(res);
      var pending = st.takeoverState(res);
      return new AcquireResult.TakeoverPending(resource, pending.deadline(), pending.remainingMs());
    });
  }

  @Override
  public CompletionStage<Void> respondTakeover(String sessionId, ResourceId resource, boolean accept) {
    return run(() -> {
      SessionRecord s = st.session(sessionId);
      ResourceRecord res = st.existing(resource);
      if (res != null) {
        settle(res);
      }
      if (res == null || res.lock == null || !res.lock.sessionIs(s.id)) {
        throw new BatonException(ErrorCode.NOT_HOLDER, "this session does not hold " + resource);
      }
      if (res.takeover == null) {
        throw new BatonException(ErrorCode.BAD_REQUEST, "no takeover of " + resource + " is pending");
      }
      if (accept) {
        tx.completeTakeover(res);
        return null;
      }
      if (!st.policy(resource).takeover().allowDecline()) {
        throw new BatonException(ErrorCode.FORBIDDEN,
            "takeovers of " + resource.type() + " cannot be declined: release, accept, or wait for the deadline");
      }
      TakeoverRecord t = res.takeover;
      res.takeover = null;
      sink.publish(new TakeoverDeclined(t.by.sessionId(), resource, res.lock.holder, "declined by " + s.name));
      tx.publishLock(res);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> forceRelease(ResourceId resource, Holder actor, String reason) {
    return run(() -> {
      ResourceRecord res = st.existing(resource);
      if (res != null) {
        settle(res);
      }
      if (res == null || res.lock == null) {
        throw new BatonException(ErrorCode.NOT_HOLDER, "nobody holds " + resource);
      }
      tx.revoke(res, actor, reason, "released");
      tx.publishLock(res);
      return null;
    });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletionStage<ResourceState> state(ResourceId resource, String viewerSessionId) {
    return run(() -> {
      ResourceRecord res = st.existing(resource);
      if (res == null) {
        return new ResourceState(resource, null, LockState.free(0), new Presence(0, List.of()));
      }
      settle(res);
      return st.view(res, viewerSessionId);
    });
  }

  @Override
  public CompletionStage<List<ResourceState>> document(String type, String id) {
    return run(() -> {
      DocumentRecord doc = st.documents.get(type + ':' + id);
      List<ResourceState> states = new ArrayList<>();
      if (doc != null) {
        for (ResourceRecord res : List.copyOf(doc.children.values())) {
          settle(res);
          if (res.lock != null || !res.members.isEmpty()) {
            states.add(st.view(res, null));
          }
        }
      }
      return states;
    });
  }

  @Override
  public CompletionStage<Verification> verify(ResourceId resource, long token) {
    return run(() -> {
      ResourceRecord res = st.existing(resource);
      if (res == null) {
        return new Verification(false, "unknown", null, LockState.free(0));
      }
      settle(res);
      LockState lock = st.lockState(res, null);
      if (res.lock != null && res.lock.token == token) {
        return new Verification(true, null, res.lock.holder, lock);
      }
      String reason;
      if (token > 0 && token < res.lastGrantedToken) {
        reason = "superseded";
      } else if (token == res.lastEndedToken && res.lastEndReason != null) {
        reason = res.lastEndReason;
      } else {
        reason = "unknown";
      }
      return new Verification(false, reason, null, lock);
    });
  }

  @Override
  public CompletionStage<List<ResourceLock>> locksOf(String userId) {
    return run(() -> {
      List<ResourceLock> out = new ArrayList<>();
      for (DocumentRecord doc : List.copyOf(st.documents.values())) {
        for (ResourceRecord res : List.copyOf(doc.children.values())) {
          settle(res);
          if (res.lock != null && res.lock.holder.userId().equals(userId)) {
            out.add(new ResourceLock(res.id, st.lockState(res, null)));
          }
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- time

  /**
   * Retires and announces what is due: only the records whose deadline has come, in deadline order
   * ({@link Deadlines}), so its cost grows with what is due, not with the number of sessions.
   */
  @Override
  public CompletionStage<Void> sweep() {
    return run(() -> {
      deadlines.sweep();
      return null;
    });
  }

  @Override
  public StoreStats stats() {
    guard.lock();
    try {
      return new StoreStats(st.sessions.size(), st.locksHeld);
    } finally {
      guard.unlock();
    }
  }

  /** Records with a deadline armed (held locks, pending takeovers, away sessions, cleanups due); for tests. */
  int armedDeadlines() {
    guard.lock();
    try {
      return st.timers.size();
    } finally {
      guard.unlock();
    }
  }

  // ---------------------------------------------------------------- internals (guard held)

  /**
   * The stage of every operation that succeeds with null ({@code Void} operations): already complete,
   * so one instance serves them all. Nothing in Baton completes or obtrudes a store's stage.
   */
  private static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);

  /** Runs one operation under the lock, then hands on whatever it freed and re-arms what it touched. */
  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> run(Supplier<T> op) {
    guard.lock();
    try {
      T result;
      try {
        result = op.get();
      } finally {
        tx.handOff();
        deadlines.rearmChanged();
      }
      return result == null ? (CompletionStage<T>) DONE : CompletableFuture.completedFuture(result);
    } catch (BatonException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      guard.unlock();
    }
  }

  /** Retires what ran out of time in {@code res} and hands on what that freed, before deciding anything. */
  private void settle(ResourceRecord res) {
    tx.settle(res);
    tx.handOff();
  }

  private SessionGrant newSession(Principal principal, String connectionId, int maxSessionsPerUser) {
    int current = st.sessionsOfUser.getOrDefault(principal.userId(), 0);
    if (current >= maxSessionsPerUser) {
      throw Refusals.sessionLimit(maxSessionsPerUser, current);
    }
    String id = ResumeTokens.newSessionId();
    String token = ResumeTokens.newToken();
    SessionRecord s = new SessionRecord(id, principal.userId(), principal.name(), ResumeTokens.hash(token), connectionId);
    st.sessions.put(id, s);
    st.sessionsOfUser.merge(s.userId, 1, Integer::sum);
    st.sessionByResumeHash.put(s.resumeTokenHash, id);
    sink.publish(new SessionAttached(id, connectionId, List.of()));
    return new SessionGrant(id, token, false, List.of());
  }
}
