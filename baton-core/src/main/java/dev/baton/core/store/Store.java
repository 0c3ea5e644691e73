package dev.baton.core.store;

import dev.baton.core.identity.Principal;
import dev.baton.core.model.Holder;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.model.ResourceState;
import dev.baton.core.resource.ResourceId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions, presence and locks live: the state machine of SPEC sections 2 and 3. Two
 * implementations pass one contract suite: {@code MemoryStore} (one node) and the Redis store
 * (several nodes).
 *
 * <p><b>Atomicity.</b> Every method is one atomic step: no other operation observes a half-done change,
 * and all of one document's state ({@code type:id} and its children) changes together. The Redis store
 * runs each operation as one Lua script on the document's hash tag.
 *
 * <p><b>Time.</b> The store reads its own clock (the injected monotonic clock, or Redis's {@code TIME})
 * and never a caller's. A lock is expired from the instant {@code now - grantedOrRenewedAt >= lockTtl};
 * every operation treats an expired lock as gone even before {@link #sweep} announces it.
 *
 * <p><b>Fencing.</b> Every grant gets a token greater than every token ever issued for that resource,
 * also after a restart.
 *
 * <p><b>Events.</b> Every transition is handed to the store's {@code EventSink} in commit order before
 * the returned stage completes. Lock TTLs, grace periods and limits come from the {@code Policies} the
 * store was built with. Every session that ends (after {@code bye}, or when its disconnect grace ran
 * out) is announced exactly once by a {@code SessionEnded} with reason {@code BYE} or {@code
 * DISCONNECTED} ({@code EXPIRED} on the Redis store when the grace of a session whose node died ran
 * out), after the {@code PresenceLeft} of each of its memberships; the audit trail relies on it.
 *
 * <p><b>Errors.</b> Refusals complete the stage exceptionally with a {@code BatonException} carrying
 * the protocol code; an unreachable store completes it with {@code UNAVAILABLE}. A refused operation
 * changes nothing, except that it may first retire expired state it came across.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Store {

  /** No limit on the sessions of one user: {@link #openSession(Principal, String)}. */
  int UNLIMITED_SESSIONS = Integer.MAX_VALUE;

  /**
   * Opens a new session for {@code principal}, attached to connection {@code connectionId}, with no
   * limit on the user's sessions.
   *
   * @return the session with its first resume token and no resources
   */
  default CompletionStage<SessionGrant> openSession(Principal principal, String connectionId) {
    return openSession(principal, connectionId, UNLIMITED_SESSIONS);
  }

  /**
   * Opens a new session for {@code principal}, attached to connection {@code connectionId}, unless
   * the user already has {@code maxSessionsPerUser} sessions in the store (connected or inside their
   * grace, on any node): the count and the opening are one atomic step.
   *
   * @param maxSessionsPerUser positive; {@link #UNLIMITED_SESSIONS} for no limit
   * @return the session with its first resume token and no resources; exceptionally RATE_LIMITED
   *     with {@code scope: "sessionsPerUser"}, {@code limit} and {@code current} when over the limit
   */
  CompletionStage<SessionGrant> openSession(Principal principal, String connectionId, int maxSessionsPerUser);

  /**
   * Resumes the session that {@code resumeToken} belongs to if it exists and belongs to {@code
   * principal}'s user; the token is then spent and a new one issued. A session still attached
   * elsewhere is detached from there. Otherwise a new session is opened. Either way a {@code
   * SessionAttached} event names the session and its connection.
   *
   * @return the resumed session ({@code resumed: true}) or a new one ({@code resumed: false})
   */
  default CompletionStage<SessionGrant> resumeSession(
      Principal principal, String resumeToken, String connectionId) {
    return resumeSession(principal, resumeToken, connectionId, UNLIMITED_SESSIONS);
  }

  /**
   * {@link #resumeSession(Principal, String, String)}; when a new session must be opened instead, it
   * is opened as {@link #openSession(Principal, String, int)} with {@code maxSessionsPerUser} (a
   * resumed session is not a new one and is never refused for the limit).
   */
  CompletionStage<SessionGrant> resumeSession(
      Principal principal, String resumeToken, String connectionId, int maxSessionsPerUser);

  /**
   * The connection {@code connectionId} of the session closed: if it is still the session's
   * connection, the session goes away and its disconnect grace starts. Otherwise nothing happens.
   * When the grace runs out without a resume, the memberships are removed ({@code PresenceLeft} with
   * reason {@code DISCONNECTED}) and the session ends ({@code SessionEnded}, {@code DISCONNECTED}).
   */
  CompletionStage<Void> disconnect(String sessionId, String connectionId);

  /**
   * Ends the session at once ({@code bye}): locks released (a pending takeover of them completes at
   * once), queue places dropped and memberships removed, no grace; then {@code SessionEnded} with
   * reason {@code BYE}. Ending a session that has already ended does nothing.
   */
  CompletionStage<Void> endSession(String sessionId);

  /**
   * Joins {@code resource}; idempotent. With {@link JoinMode#EDIT} the lock is acquired when it can be
   * (and {@code canEdit}); otherwise the session joins as a viewer with {@code downgraded: true}.
   *
   * @throws dev.baton.core.error.BatonException JOIN_LIMIT, VIEWER_LIMIT
   */
  CompletionStage<JoinResult> join(String sessionId, ResourceId resource, JoinMode mode, boolean canEdit);

  /** Leaves {@code resource}: its lock released, its queue place and pending takeover dropped, membership removed. Idempotent. */
  CompletionStage<Void> leave(String sessionId, ResourceId resource);

  /**
   * Acquires the lock; the holder acquiring again gets its lease renewed, same token. With {@code
   * wait} and a {@code conflict: queue} policy, a caller refused with LOCK_HELD joins the FIFO queue
   * instead ({@link AcquireResult.Queued}); the head is granted ({@code LockGranted}) the moment the
   * lock frees and nothing blocks it. Waiters that left or ended are dropped; waiters whose connection
   * dropped keep their place but are passed over until they resume.
   *
   * @param takeOwn move the lock from another session of the same user to this one (new token)
   * @throws dev.baton.core.error.BatonException NOT_JOINED, LOCK_HELD (with holder, expiresAt,
   *     remainingMs, inGrace, queueLength; {@code holder.self} for the same user), LOCK_LIMIT
   */
  CompletionStage<AcquireResult> acquire(
      String sessionId, ResourceId resource, boolean takeOwn, boolean wait);

  /**
   * Leaves the wait queue of {@code resource}, or withdraws the caller's pending takeover of it.
   *
   * @throws dev.baton.core.error.BatonException BAD_REQUEST when the caller is doing neither
   */
  CompletionStage<Void> cancel(String sessionId, ResourceId resource);

  /**
   * Asks the holder to let the caller edit ({@code LockRequested} to the holder); at most one per
   * requesting user per resource per {@link #REQUEST_INTERVAL}.
   *
   * @param message shown to the holder, or null
   * @throws dev.baton.core.error.BatonException NOT_JOINED; BAD_REQUEST when nobody else holds the
   *     lock; RATE_LIMITED (with {@code retryAfterMs})
   */
  CompletionStage<Void> request(String sessionId, ResourceId resource, String message);

  /** The shortest interval between two {@code lock.request}s of one user for one resource. */
  Duration REQUEST_INTERVAL = Duration.ofSeconds(30);

  /**
   * An admin's takeover (the caller has been checked for the admin or emergency role). A free lock is
   * granted like {@link #acquire}. With {@code immediate} the lock passes at once: the holder gets
   * {@code LockRevoked} and becomes a viewer. Otherwise the holder gets {@code TakeoverRequested}
   * and the lock passes at the deadline (policy {@code takeover.timeout}), when the holder accepts or
   * releases, or at once when the holder's session ends; the requester then gets {@code LockGranted}.
   * The per-user lock limit does not apply; the document hierarchy does.
   *
   * @throws dev.baton.core.error.BatonException NOT_JOINED, TAKEOVER_PENDING, LOCK_HELD when the
   *     document hierarchy blocks the caller
   */
  CompletionStage<AcquireResult> takeover(
      String sessionId, ResourceId resource, String reason, boolean immediate);

  /**
   * The holder answers a pending takeover: accept hands the lock over at once; decline (only with
   * policy {@code takeover.allowDecline}) drops it and tells the requester ({@code TakeoverDeclined}).
   *
   * @throws dev.baton.core.error.BatonException NOT_HOLDER; BAD_REQUEST when no takeover is pending;
   *     FORBIDDEN when declining is not allowed
   */
  CompletionStage<Void> respondTakeover(String sessionId, ResourceId resource, boolean accept);

  /**
   * An admin's force release ({@code DELETE /v1/locks/{resource}}): the holder gets {@code
   * LockRevoked}; then the lock is handed on as after any release.
   *
   * @param actor the admin, for the event
   * @throws dev.baton.core.error.BatonException NOT_HOLDER when nobody holds the lock
   */
  CompletionStage<Void> forceRelease(ResourceId resource, Holder actor, String reason);

  /**
   * Releases the caller's lock.
   *
   * @throws dev.baton.core.error.BatonException NOT_HOLDER
   */
  CompletionStage<Void> release(String sessionId, ResourceId resource);

  /**
   * Extends the caller's lock by its TTL if {@code token} is still current. Never recreates a lock.
   *
   * @throws dev.baton.core.error.BatonException LOCK_LOST
   */
  CompletionStage<Lease> renew(String sessionId, ResourceId resource, long token);

  /** Renews every unexpired lock the session holds, and nothing else. */
  CompletionStage<List<Lease>> heartbeat(String sessionId);

  /**
   * The resource as {@code viewerSessionId} sees it; a null viewer is a service and sees the token.
   */
  CompletionStage<ResourceState> state(ResourceId resource, String viewerSessionId);

  /** Every child of document {@code type:id} that has a lock or members, as a service sees it. */
  CompletionStage<List<ResourceState>> document(String type, String id);

  /** Whether {@code token} is the current holder's token on an unexpired lock of {@code resource}. */
  CompletionStage<Verification> verify(ResourceId resource, long token);

  /** The locks {@code userId} holds, tokens included. */
  CompletionStage<List<ResourceLock>> locksOf(String userId);

  /**
   * Retires what has run out of time and announces it: expired locks, expiry warnings, ended graces.
   * Called periodically; correctness never depends on how often.
   */
  CompletionStage<Void> sweep();

  /** Counts for metrics. */
  StoreStats stats();
}
