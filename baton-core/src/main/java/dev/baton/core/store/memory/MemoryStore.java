package dev.baton.core.store.memory;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockExpiring;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.SessionAttached;
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
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.session.ResumeTokens;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.ResourceLock;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import dev.baton.core.store.Verification;
import dev.baton.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * <p>Thread-safe. Every operation completes its stage before returning. Events are handed to the
 * sink while the lock is held, so they leave in commit order. One lock rather than one per document:
 * operations take microseconds, a session's heartbeat spans documents, and the benchmark (docs/benchmarks.md)
 * decides whether striping ever pays.
 */
public final class MemoryStore implements Store {

  /** How long an idle resource's record of its last lock is kept for {@code verify}. */
  static final Duration IDLE_RECORD_TTL = Duration.ofHours(1);

  private final Clock clock;
  private final Policies policies;
  private final FencingCounter counter;
  private final EventSink sink;
  private final ReentrantLock guard = new ReentrantLock();

  private final Map<String, SessionRecord> sessions = new HashMap<>();
  private final Map<String, String> sessionByResumeHash = new HashMap<>();
  private final Map<String, DocumentRecord> documents = new HashMap<>();
  private long locksHeld;

  /**
   * @param clock the time authority of this store
   * @param policies TTLs, graces and limits by resource type
   * @param counter fencing token source, increasing across restarts for production use
   * @param sink receives every event in commit order, under the store's lock
   */
  public MemoryStore(Clock clock, Policies policies, FencingCounter counter, EventSink sink) {
    this.clock = Objects.requireNonNull(clock);
    this.policies = Objects.requireNonNull(policies);
    this.counter = Objects.requireNonNull(counter);
    this.sink = Objects.requireNonNull(sink);
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public CompletionStage<SessionGrant> openSession(Principal principal, String connectionId) {
    return run(() -> newSession(principal, connectionId));
  }

  @Override
  public CompletionStage<SessionGrant> resumeSession(
      Principal principal, String resumeToken, String connectionId) {
    return run(
        () -> {
          String hash = ResumeTokens.hash(resumeToken);
          SessionRecord s = sessions.get(sessionByResumeHash.get(hash));
          if (s == null || !s.userId.equals(principal.userId()) || settleSession(s)) {
            return newSession(principal, connectionId);
          }
          boolean wasAway = !s.connected;
          s.connected = true;
          s.connectionId = connectionId;
          sessionByResumeHash.remove(s.resumeTokenHash);
          String token = ResumeTokens.newToken();
          s.resumeTokenHash = ResumeTokens.hash(token);
          sessionByResumeHash.put(s.resumeTokenHash, s.id);
          sink.publish(new SessionAttached(s.id, connectionId, List.copyOf(s.memberships)));
          if (wasAway) {
            for (ResourceId r : s.memberships) {
              ResourceRecord res = resource(r);
              setMember(res, s.id, null, MemberStatus.ONLINE);
              if (res.lock != null && res.lock.sessionIs(s.id)) {
                publishLock(res);
              }
            }
          }
          List<ResourceState> states = new ArrayList<>();
          for (ResourceId r : s.memberships) {
            states.add(view(resource(r), s.id));
          }
          return new SessionGrant(s.id, token, true, states);
        });
  }

  @Override
  public CompletionStage<Void> disconnect(String sessionId, String connectionId) {
    return run(
        () -> {
          SessionRecord s = sessions.get(sessionId);
          if (s == null || !s.connected || !s.connectionId.equals(connectionId)) {
            return null;
          }
          s.connected = false;
          s.awaySinceNanos = clock.monotonicNanos();
          for (ResourceId r : s.memberships) {
            ResourceRecord res = resource(r);
            setMember(res, s.id, null, MemberStatus.AWAY);
            if (res.lock != null && res.lock.sessionIs(s.id)) {
              publishLock(res);
            }
          }
          settleSession(s);
          return null;
        });
  }

  @Override
  public CompletionStage<Void> endSession(String sessionId) {
    return run(
        () -> {
          SessionRecord s = sessions.get(sessionId);
          if (s != null) {
            removeSession(s, LeaveReason.BYE);
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- membership

  @Override
  public CompletionStage<JoinResult> join(
      String sessionId, ResourceId resource, JoinMode mode, boolean canEdit) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          Policy policy = policies.forType(resource.type());
          ResourceRecord res = resourceOrCreate(resource);
          settle(res);
          Member existing = res.members.get(s.id);
          boolean wantsEdit = mode == JoinMode.EDIT;
          boolean holds = res.lock != null && res.lock.sessionIs(s.id);
          ErrorCode reason = null;
          BatonException refusal = null;
          if (wantsEdit && !holds) {
            refusal = canEdit ? grantRefusal(s, res, false) : null;
            reason = canEdit ? (refusal == null ? null : refusal.code()) : ErrorCode.FORBIDDEN;
          }
          boolean asEditor = wantsEdit && reason == null;
          if (existing == null) {
            if (s.memberships.size() >= policy.maxJoinsPerSession()) {
              throw limit(ErrorCode.JOIN_LIMIT, "this session has joined " + s.memberships.size()
                  + " resources, the limit for " + resource.type(), policy.maxJoinsPerSession(),
                  s.memberships.size());
            }
            long viewers = res.members.values().stream().filter(m -> m.role() == Role.VIEWER).count();
            if (!asEditor && viewers >= policy.maxViewers()) {
              throw limit(ErrorCode.VIEWER_LIMIT, resource + " has " + viewers + " viewers, the limit",
                  policy.maxViewers(), viewers);
            }
            if (asEditor) {
              grant(s, res, policy);
            }
            Member m = new Member(s.id, s.userId, s.name, asEditor ? Role.EDITOR : Role.VIEWER,
                MemberStatus.ONLINE, clock.wallMillis());
            res.members.put(s.id, m);
            s.memberships.add(resource);
            res.presenceVersion++;
            sink.publish(new PresenceJoined(resource, res.presenceVersion, m));
            if (asEditor) {
              publishLock(res);
            }
          } else if (asEditor && !holds) {
            grant(s, res, policy);
            setMember(res, s.id, Role.EDITOR, null);
            publishLock(res);
          }
          res.touchedNanos = clock.monotonicNanos();
          return new JoinResult(view(res, s.id), wantsEdit && reason != null, reason);
        });
  }

  @Override
  public CompletionStage<Void> leave(String sessionId, ResourceId resource) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          ResourceRecord res = existingResource(resource);
          if (res != null && res.members.containsKey(s.id)) {
            removeMembership(s, res, LeaveReason.LEFT);
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- locks

  @Override
  public CompletionStage<Lease> acquire(String sessionId, ResourceId resource, boolean takeOwn) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          ResourceRecord res = joinedResource(s, resource);
          settle(res);
          Policy policy = policies.forType(resource.type());
          LockRecord lock = res.lock;
          if (lock != null && lock.sessionIs(s.id)) {
            lock.renewedAtNanos = clock.monotonicNanos();
            lock.warned = false;
            publishLock(res);
            return lease(res);
          }
          if (lock != null && takeOwn && lock.holder.userId().equals(s.userId)) {
            String previous = lock.holder.sessionId();
            endLock(res, "superseded");
            sink.publish(new LockRevoked(previous, resource, lock.token,
                new Holder(s.userId, s.name, s.id), "taken over by another session of the same user"));
            setMember(res, previous, Role.VIEWER, null);
          } else {
            BatonException refusal = grantRefusal(s, res, true);
            if (refusal != null) {
              throw refusal;
            }
          }
          grant(s, res, policy);
          setMember(res, s.id, Role.EDITOR, null);
          publishLock(res);
          return lease(res);
        });
  }

  @Override
  public CompletionStage<Void> release(String sessionId, ResourceId resource) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          ResourceRecord res = existingResource(resource);
          if (res != null) {
            settle(res);
          }
          if (res == null || res.lock == null || !res.lock.sessionIs(s.id)) {
            throw new BatonException(ErrorCode.NOT_HOLDER, "this session does not hold " + resource);
          }
          endLock(res, "released");
          setMember(res, s.id, Role.VIEWER, null);
          publishLock(res);
          return null;
        });
  }

  @Override
  public CompletionStage<Lease> renew(String sessionId, ResourceId resource, long token) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          ResourceRecord res = existingResource(resource);
          if (res != null) {
            settle(res);
          }
          if (res == null || res.lock == null || !res.lock.sessionIs(s.id) || res.lock.token != token) {
            throw new BatonException(ErrorCode.LOCK_LOST,
                "token " + token + " is no longer current for " + resource + ": stop editing");
          }
          res.lock.renewedAtNanos = clock.monotonicNanos();
          res.lock.warned = false;
          publishLock(res);
          return lease(res);
        });
  }

  @Override
  public CompletionStage<List<Lease>> heartbeat(String sessionId) {
    return run(
        () -> {
          SessionRecord s = session(sessionId);
          List<Lease> leases = new ArrayList<>();
          for (ResourceId r : List.copyOf(s.memberships)) {
            ResourceRecord res = resource(r);
            settle(res);
            if (res.lock != null && res.lock.sessionIs(s.id)) {
              res.lock.renewedAtNanos = clock.monotonicNanos();
              res.lock.warned = false;
              publishLock(res);
              leases.add(lease(res));
            }
          }
          return leases;
        });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletionStage<ResourceState> state(ResourceId resource, String viewerSessionId) {
    return run(
        () -> {
          ResourceRecord res = existingResource(resource);
          if (res == null) {
            return new ResourceState(resource, null, LockState.free(0), new Presence(0, List.of()));
          }
          settle(res);
          return view(res, viewerSessionId);
        });
  }

  @Override
  public CompletionStage<List<ResourceState>> document(String type, String id) {
    return run(
        () -> {
          DocumentRecord doc = documents.get(type + ':' + id);
          List<ResourceState> states = new ArrayList<>();
          if (doc != null) {
            for (ResourceRecord res : List.copyOf(doc.children.values())) {
              settle(res);
              if (!res.idle()) {
                states.add(view(res, null));
              }
            }
          }
          return states;
        });
  }

  @Override
  public CompletionStage<Verification> verify(ResourceId resource, long token) {
    return run(
        () -> {
          ResourceRecord res = existingResource(resource);
          if (res == null) {
            return new Verification(false, "unknown", null, LockState.free(0));
          }
          settle(res);
          LockState lock = lockState(res, null);
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
    return run(
        () -> {
          List<ResourceLock> out = new ArrayList<>();
          for (DocumentRecord doc : List.copyOf(documents.values())) {
            for (ResourceRecord res : List.copyOf(doc.children.values())) {
              settle(res);
              if (res.lock != null && res.lock.holder.userId().equals(userId)) {
                out.add(new ResourceLock(res.id, lockState(res, null)));
              }
            }
          }
          return out;
        });
  }

  // ---------------------------------------------------------------- time

  @Override
  public CompletionStage<Void> sweep() {
    return run(
        () -> {
          for (SessionRecord s : List.copyOf(sessions.values())) {
            settleSession(s);
          }
          long now = clock.monotonicNanos();
          for (Iterator<DocumentRecord> docs = documents.values().iterator(); docs.hasNext(); ) {
            DocumentRecord doc = docs.next();
            for (Iterator<ResourceRecord> it = doc.children.values().iterator(); it.hasNext(); ) {
              ResourceRecord res = it.next();
              settle(res);
              warnIfExpiring(res, now);
              if (res.idle() && now - res.touchedNanos >= IDLE_RECORD_TTL.toNanos()) {
                it.remove();
              }
            }
            if (doc.children.isEmpty()) {
              docs.remove();
            }
          }
          return null;
        });
  }

  @Override
  public StoreStats stats() {
    guard.lock();
    try {
      return new StoreStats(sessions.size(), locksHeld);
    } finally {
      guard.unlock();
    }
  }

  // ---------------------------------------------------------------- internals (guard held)

  private <T> CompletionStage<T> run(Supplier<T> op) {
    guard.lock();
    try {
      return CompletableFuture.completedFuture(op.get());
    } catch (BatonException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      guard.unlock();
    }
  }

  private SessionGrant newSession(Principal principal, String connectionId) {
    String id = ResumeTokens.newSessionId();
    String token = ResumeTokens.newToken();
    SessionRecord s = new SessionRecord(id, principal.userId(), principal.name(),
        ResumeTokens.hash(token), connectionId);
    sessions.put(id, s);
    sessionByResumeHash.put(s.resumeTokenHash, id);
    sink.publish(new SessionAttached(id, connectionId, List.of()));
    return new SessionGrant(id, token, false, List.of());
  }

  private SessionRecord session(String sessionId) {
    SessionRecord s = sessions.get(sessionId);
    if (s == null) {
      throw new BatonException(ErrorCode.UNAUTHENTICATED, "the session has ended");
    }
    return s;
  }

  private ResourceRecord existingResource(ResourceId id) {
    DocumentRecord doc = documents.get(id.document());
    return doc == null ? null : doc.children.get(id.child());
  }

  private ResourceRecord resourceOrCreate(ResourceId id) {
    DocumentRecord doc = documents.computeIfAbsent(id.document(), k -> new DocumentRecord(id.type(), id.id()));
    return doc.children.computeIfAbsent(id.child(), k -> new ResourceRecord(id, clock.monotonicNanos()));
  }

  /** A resource the caller knows exists (a membership of a live session). */
  private ResourceRecord resource(ResourceId id) {
    return Objects.requireNonNull(existingResource(id), id::toString);
  }

  private ResourceRecord joinedResource(SessionRecord s, ResourceId id) {
    ResourceRecord res = existingResource(id);
    if (res == null || !res.members.containsKey(s.id)) {
      throw new BatonException(ErrorCode.NOT_JOINED, "join " + id + " before locking it");
    }
    return res;
  }

  /**
   * Why {@code s} cannot get the lock of {@code res} now, or null if it can: held by another session,
   * blocked by the document hierarchy, or over the per-user limit. Settles what it looks at.
   */
  private BatonException grantRefusal(SessionRecord s, ResourceRecord res, boolean withSelfHint) {
    if (res.lock != null && !res.lock.sessionIs(s.id)) {
      return lockHeld(s, res, res);
    }
    DocumentRecord doc = documents.get(res.id.document());
    if (res.id.isDocumentLock()) {
      for (ResourceRecord child : List.copyOf(doc.children.values())) {
        if (child != res) {
          settle(child);
          if (child.lock != null && !child.lock.sessionIs(s.id)) {
            return lockHeld(s, res, child);
          }
        }
      }
    } else {
      ResourceRecord docLock = doc.children.get(ResourceId.DOCUMENT_LOCK);
      if (docLock != null) {
        settle(docLock);
        if (docLock.lock != null && !docLock.lock.sessionIs(s.id)) {
          return lockHeld(s, res, docLock);
        }
      }
    }
    int limit = policies.forType(res.id.type()).maxLocksPerUserPerDocument();
    long held = 0;
    for (ResourceRecord child : List.copyOf(doc.children.values())) {
      settle(child);
      if (child.lock != null && child.lock.holder.userId().equals(s.userId)) {
        held++;
      }
    }
    if (held >= limit) {
      return limit(ErrorCode.LOCK_LIMIT, s.name + " already holds " + held + " locks in " + res.id.document(),
          limit, held);
    }
    return null;
  }

  private BatonException lockHeld(SessionRecord s, ResourceRecord wanted, ResourceRecord blocking) {
    LockRecord lock = blocking.lock;
    long now = clock.monotonicNanos();
    long remainingMs = Math.max(0, lock.remainingNanos(now)) / 1_000_000;
    Map<String, Object> holder = new LinkedHashMap<>();
    holder.put("userId", lock.holder.userId());
    holder.put("name", lock.holder.name());
    boolean self = lock.holder.userId().equals(s.userId);
    if (self) {
      holder.put("self", true);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("holder", holder);
    details.put("expiresAt", clock.wallMillis() + remainingMs);
    details.put("remainingMs", remainingMs);
    details.put("inGrace", inGrace(lock));
    details.put("queueLength", 0);
    if (blocking != wanted) {
      details.put("lockResource", blocking.id.toString());
    }
    String what = blocking == wanted ? wanted.id.toString() : blocking.id + ", which blocks " + wanted.id;
    String message = (self ? "you are editing " + what + " in another tab" : lock.holder.name() + " is editing " + what)
        + ", expires in " + humanDuration(remainingMs);
    return new BatonException(ErrorCode.LOCK_HELD, message, details);
  }

  private static BatonException limit(ErrorCode code, String message, long limit, long current) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("limit", limit);
    details.put(code == ErrorCode.LOCK_LIMIT ? "held" : "current", current);
    return new BatonException(code, message, details);
  }

  private static String humanDuration(long ms) {
    long s = (ms + 999) / 1000;
    if (s < 60) {
      return s + " s";
    }
    long m = (s + 59) / 60;
    return m + " min";
  }

  private void grant(SessionRecord s, ResourceRecord res, Policy policy) {
    long token = counter.next();
    res.lock = new LockRecord(new Holder(s.userId, s.name, s.id), token, clock.wallMillis(),
        clock.monotonicNanos(), policy.lockTtl().toNanos());
    res.lastGrantedToken = token;
    res.touchedNanos = clock.monotonicNanos();
    locksHeld++;
  }

  /** Removes the lock, remembering why for verify; announces nothing. */
  private void endLock(ResourceRecord res, String reason) {
    res.lastEndedToken = res.lock.token;
    res.lastEndReason = reason;
    res.lock = null;
    res.touchedNanos = clock.monotonicNanos();
    locksHeld--;
  }

  /** Retires an expired lock and members whose grace ran out. */
  private void settle(ResourceRecord res) {
    if (!res.members.isEmpty()) {
      for (Member m : List.copyOf(res.members.values())) {
        if (m.status() == MemberStatus.AWAY) {
          SessionRecord s = sessions.get(m.sessionId());
          if (graceOver(s, res.id)) {
            removeMembership(s, res, LeaveReason.DISCONNECTED);
          }
        }
      }
    }
    LockRecord lock = res.lock;
    if (lock != null && lock.remainingNanos(clock.monotonicNanos()) <= 0) {
      endLock(res, "expired");
      sink.publish(new LockExpired(lock.holder.sessionId(), res.id, lock.token));
      setMember(res, lock.holder.sessionId(), Role.VIEWER, null);
      publishLock(res);
    }
  }

  private boolean graceOver(SessionRecord s, ResourceId r) {
    Duration grace = policies.forType(r.type()).disconnectGrace();
    return !s.connected && clock.monotonicNanos() - s.awaySinceNanos >= grace.toNanos();
  }

  /**
   * Retires the memberships of an away session whose grace ran out, and the session itself once it has
   * none left and the default grace is over.
   *
   * @return whether the session ended
   */
  private boolean settleSession(SessionRecord s) {
    if (s.connected) {
      return false;
    }
    for (ResourceId r : List.copyOf(s.memberships)) {
      if (graceOver(s, r)) {
        removeMembership(s, resource(r), LeaveReason.DISCONNECTED);
      }
    }
    long away = clock.monotonicNanos() - s.awaySinceNanos;
    if (s.memberships.isEmpty() && away >= policies.defaultPolicy().disconnectGrace().toNanos()) {
      removeSession(s, LeaveReason.DISCONNECTED);
      return true;
    }
    return false;
  }

  private void removeSession(SessionRecord s, LeaveReason reason) {
    for (ResourceId r : List.copyOf(s.memberships)) {
      removeMembership(s, resource(r), reason);
    }
    sessions.remove(s.id);
    sessionByResumeHash.remove(s.resumeTokenHash);
  }

  private void removeMembership(SessionRecord s, ResourceRecord res, LeaveReason reason) {
    if (res.lock != null && res.lock.sessionIs(s.id)) {
      endLock(res, "released");
      publishLock(res);
    }
    Member m = res.members.remove(s.id);
    s.memberships.remove(res.id);
    res.presenceVersion++;
    res.touchedNanos = clock.monotonicNanos();
    sink.publish(new PresenceLeft(res.id, res.presenceVersion, m, reason));
  }

  /** Changes a member's role and/or status (null keeps it) and announces it, if it is a member. */
  private void setMember(ResourceRecord res, String sessionId, Role role, MemberStatus status) {
    Member m = res.members.get(sessionId);
    if (m == null) {
      return;
    }
    Member changed = new Member(m.sessionId(), m.userId(), m.name(), role == null ? m.role() : role,
        status == null ? m.status() : status, clock.wallMillis());
    if (changed.role() == m.role() && changed.status() == m.status()) {
      return;
    }
    res.members.put(sessionId, changed);
    res.presenceVersion++;
    sink.publish(new PresenceChanged(res.id, res.presenceVersion, changed));
  }

  private void warnIfExpiring(ResourceRecord res, long now) {
    LockRecord lock = res.lock;
    if (lock == null || lock.warned) {
      return;
    }
    Duration warning = policies.forType(res.id.type()).expiryWarning();
    if (lock.remainingNanos(now) < warning.toNanos()) {
      lock.warned = true;
      sink.publish(new LockExpiring(lock.holder.sessionId(), lease(res)));
    }
  }

  private void publishLock(ResourceRecord res) {
    sink.publish(new LockStateChanged(res.id, lockState(res, null)));
  }

  private boolean inGrace(LockRecord lock) {
    SessionRecord holder = sessions.get(lock.holder.sessionId());
    return holder != null && !holder.connected;
  }

  private Lease lease(ResourceRecord res) {
    long remainingMs = Math.max(0, res.lock.remainingNanos(clock.monotonicNanos())) / 1_000_000;
    return new Lease(res.id, res.lock.token, clock.wallMillis() + remainingMs, remainingMs);
  }

  /** The lock as {@code viewerSessionId} sees it; null is a service, which sees the token. */
  private LockState lockState(ResourceRecord res, String viewerSessionId) {
    LockRecord lock = res.lock;
    if (lock == null) {
      return LockState.free(0);
    }
    long remainingMs = Math.max(0, lock.remainingNanos(clock.monotonicNanos())) / 1_000_000;
    LockState state = new LockState(lock.holder, lock.token, lock.acquiredAtMillis,
        clock.wallMillis() + remainingMs, remainingMs, inGrace(lock), 0, null);
    return viewerSessionId == null ? state : state.forViewer(viewerSessionId);
  }

  private ResourceState view(ResourceRecord res, String viewerSessionId) {
    Member self = viewerSessionId == null ? null : res.members.get(viewerSessionId);
    return new ResourceState(res.id, self == null ? null : self.role(), lockState(res, viewerSessionId),
        new Presence(res.presenceVersion, List.copyOf(res.members.values())));
  }
}
