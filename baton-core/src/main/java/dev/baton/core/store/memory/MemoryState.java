package dev.baton.core.store.memory;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.Presence;
import dev.baton.core.model.ResourceState;
import dev.baton.core.model.TakeoverState;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The memory store's data and its read models: sessions, documents and their resources, and how
 * they look from outside ({@link LockState}, {@link ResourceState}, {@link Lease}). Guarded by the
 * store's lock; not thread-safe on its own.
 */
final class MemoryState {

  final Clock clock;
  final Policies policies;
  final Map<String, SessionRecord> sessions = new HashMap<>();
  final Map<String, String> sessionByResumeHash = new HashMap<>();
  /** How many sessions each user has (a user with none has no entry). */
  final Map<String, Integer> sessionsOfUser = new HashMap<>();
  final Map<String, DocumentRecord> documents = new HashMap<>();
  /**
   * Every resource of every document, by id: the same records as the documents' children, so that an
   * operation finds its resource without building the document's {@code type:id} key.
   */
  final Map<ResourceId, ResourceRecord> resources = new HashMap<>();
  /**
   * Documents where a lock freed or a waiter came back: the queue and takeover hand-off is due. Each
   * at most once ({@link DocumentRecord#handOffDue}), in the order they became due.
   */
  final ArrayDeque<DocumentRecord> handOffDue = new ArrayDeque<>();
  /** What has a deadline: held locks, pending takeovers, away sessions, cleanups (see {@link Deadlines}). */
  final DeadlineIndex timers = new DeadlineIndex();
  /** Resources the current operation looked at or changed, whose deadline is re-armed when it ends. */
  final List<ResourceRecord> changed = new ArrayList<>();
  long locksHeld;

  MemoryState(Clock clock, Policies policies) {
    this.clock = clock;
    this.policies = policies;
  }

  long now() {
    return clock.monotonicNanos();
  }

  Policy policy(ResourceId id) {
    return policies.forType(id.type());
  }

  /** @throws BatonException UNAUTHENTICATED when the session has ended */
  SessionRecord session(String sessionId) {
    SessionRecord s = sessions.get(sessionId);
    if (s == null) {
      throw new BatonException(ErrorCode.UNAUTHENTICATED, "the session has ended");
    }
    return s;
  }

  /**
   * The resource, or null; an operation that looks a resource up may change it, so it is marked
   * {@link #changed}.
   */
  ResourceRecord existing(ResourceId id) {
    ResourceRecord res = lookup(id);
    if (res != null) {
      changed(res);
    }
    return res;
  }

  /** The resource, or null, without marking it changed: for reading the index itself. */
  ResourceRecord lookup(ResourceId id) {
    return resources.get(id);
  }

  ResourceRecord orCreate(ResourceId id) {
    ResourceRecord res = resources.get(id);
    if (res == null) {
      DocumentRecord doc = documents.computeIfAbsent(id.document(), DocumentRecord::new);
      res = new ResourceRecord(id, doc, now());
      doc.children.put(id.child(), res);
      resources.put(id, res);
    }
    changed(res);
    return res;
  }

  /** Forgets a resource, and its document once it has no other child. */
  void drop(ResourceRecord res) {
    resources.remove(res.id);
    res.doc.children.remove(res.id.child());
    if (res.doc.children.isEmpty()) {
      documents.remove(res.doc.key);
    }
  }

  /** Marks the hand-off of {@code doc} due, once. */
  void handOffDue(DocumentRecord doc) {
    if (!doc.handOffDue) {
      doc.handOffDue = true;
      handOffDue.add(doc);
    }
  }

  /** Notes that {@code res} may have a new next deadline; {@link Deadlines#rearmChanged} re-arms it. */
  void changed(ResourceRecord res) {
    if (!res.changed) {
      res.changed = true;
      changed.add(res);
    }
  }

  /** A resource known to exist (a membership of a live session). */
  ResourceRecord resource(ResourceId id) {
    return Objects.requireNonNull(existing(id), id::toString);
  }

  /** @throws BatonException NOT_JOINED when {@code s} is not a member of {@code id} */
  ResourceRecord joined(SessionRecord s, ResourceId id) {
    ResourceRecord res = existing(id);
    if (res == null || !res.members.containsKey(s.id)) {
      throw new BatonException(ErrorCode.NOT_JOINED, "join " + id + " first");
    }
    return res;
  }

  DocumentRecord documentOf(ResourceRecord res) {
    return res.doc;
  }

  boolean inGrace(LockRecord lock) {
    SessionRecord holder = sessions.get(lock.holder.sessionId());
    return holder != null && !holder.connected;
  }

  static long millis(long nanos) {
    return Math.max(0, nanos) / 1_000_000;
  }

  Lease lease(ResourceRecord res) {
    long remainingMs = millis(res.lock.remainingNanos(now()));
    return new Lease(res.id, res.lock.token, clock.wallMillis() + remainingMs, remainingMs);
  }

  TakeoverState takeoverState(ResourceRecord res) {
    if (res.takeover == null) {
      return null;
    }
    long remainingMs = millis(res.takeover.deadlineNanos - now());
    return new TakeoverState(res.takeover.by, clock.wallMillis() + remainingMs, remainingMs);
  }

  /** The lock as {@code viewerSessionId} sees it; null is a service, which sees the token. */
  LockState lockState(ResourceRecord res, String viewerSessionId) {
    LockRecord lock = res.lock;
    if (lock == null) {
      return LockState.free(res.waiters.size());
    }
    long remainingMs = millis(lock.remainingNanos(now()));
    LockState state = new LockState(lock.holder, lock.token, lock.acquiredAtMillis,
        clock.wallMillis() + remainingMs, remainingMs, inGrace(lock), res.waiters.size(), takeoverState(res));
    return viewerSessionId == null ? state : state.forViewer(viewerSessionId);
  }

  ResourceState view(ResourceRecord res, String viewerSessionId) {
    Member self = viewerSessionId == null ? null : res.members.get(viewerSessionId);
    return new ResourceState(res.id, self == null ? null : self.role(), lockState(res, viewerSessionId),
        new Presence(res.presenceVersion, List.copyOf(res.members.values())));
  }
}
