package dev.baton.core.engine;

import dev.baton.core.audit.AuditEvent;
import dev.baton.core.audit.AuditRecord;
import dev.baton.core.audit.AuditTrail;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.Holder;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.model.ResourceState;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverMode;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.ResourceLock;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import dev.baton.core.store.Verification;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What the transport calls: one method per protocol command, each checking the caller's access and
 * then making one store call. Events reach connections through the {@link Hub}, which the store
 * publishes to. No method blocks, apart from writing audit records.
 *
 * <p>Audit: the store's transitions are recorded by an {@link dev.baton.core.audit.AuditingSink} in
 * front of the hub; the engine records what only it sees, each before the returned stage completes
 * (so before the client is acknowledged): session start and resume, denials (a refused or
 * downgraded join, a refused acquire or takeover; reason = the error code), break-glass takeovers and
 * force releases.
 *
 * <p>Thread-safe. Refusals complete the returned stage exceptionally with {@link BatonException}.
 */
public final class Engine {

  private final Store store;
  private final Policies policies;
  private final Hub hub;
  private final Roles roles;
  private final AuditTrail audit;

  /** An engine that keeps no audit trail (tests, benchmarks). */
  public Engine(Store store, Policies policies, Hub hub, Roles roles) {
    this(store, policies, hub, roles, AuditTrail.NONE);
  }

  /**
   * @param store where the state lives; it must publish to {@code hub} (through an {@link
   *     dev.baton.core.audit.AuditingSink} writing to {@code audit}, for a full trail)
   * @param policies the same policies the store was built with
   * @param hub this node's event router
   * @param roles the names of the admin and emergency roles
   * @param audit where the engine's own audit records go
   */
  public Engine(Store store, Policies policies, Hub hub, Roles roles, AuditTrail audit) {
    this.store = Objects.requireNonNull(store);
    this.policies = Objects.requireNonNull(policies);
    this.hub = Objects.requireNonNull(hub);
    this.roles = Objects.requireNonNull(roles);
    this.audit = Objects.requireNonNull(audit);
  }

  /**
   * {@code hello}: opens a session, or resumes the one {@code resumeToken} names, bound to {@code
   * connection}.
   *
   * @param resumeToken the resume token from an earlier {@code welcome}, or null
   */
  public CompletionStage<SessionGrant> hello(Principal principal, String resumeToken, Subscriber connection) {
    return hello(principal, resumeToken, connection, Store.UNLIMITED_SESSIONS);
  }

  /**
   * {@link #hello(Principal, String, Subscriber)}, refusing a new session (not a resumed one) when the
   * user already has {@code maxSessionsPerUser} sessions in the store: RATE_LIMITED, see {@link
   * Store#openSession(Principal, String, int)}.
   */
  public CompletionStage<SessionGrant> hello(
      Principal principal, String resumeToken, Subscriber connection, int maxSessionsPerUser) {
    hub.expect(connection);
    CompletionStage<SessionGrant> grant = resumeToken == null
        ? store.openSession(principal, connection.connectionId(), maxSessionsPerUser)
        : store.resumeSession(principal, resumeToken, connection.connectionId(), maxSessionsPerUser);
    return grant.whenComplete((g, e) -> {
      if (e != null) {
        hub.detach(null, connection.connectionId());
      } else {
        audit.record(new AuditRecord(g.resumed() ? AuditEvent.SESSION_RESUME : AuditEvent.SESSION_START,
            null, principal.userId(), g.sessionId(), null, null, null));
      }
    });
  }

  /** The connection closed without {@code bye}: the session enters its grace. */
  public CompletionStage<Void> disconnected(String sessionId, String connectionId) {
    hub.detach(sessionId, connectionId);
    return store.disconnect(sessionId, connectionId);
  }

  /** A connection closed before its session was opened: forget it. */
  public void abandoned(String connectionId) {
    hub.detach(null, connectionId);
  }

  /** {@code bye}: the session ends at once, its locks released with no grace. */
  public CompletionStage<Void> bye(String sessionId, String connectionId) {
    return store.endSession(sessionId).whenComplete((v, e) -> hub.detach(sessionId, connectionId));
  }

  /**
   * {@code join}.
   *
   * @throws BatonException FORBIDDEN without view access; JOIN_LIMIT, VIEWER_LIMIT
   */
  public CompletionStage<JoinResult> join(
      Principal principal, String sessionId, ResourceId resource, JoinMode mode) {
    Access access = principal.access().accessTo(resource);
    CompletionStage<JoinResult> joined = access.allows(Access.VIEW)
        ? store.join(sessionId, resource, mode, access.allows(Access.EDIT))
        : forbidden("view", resource);
    return joined.whenComplete((result, e) -> {
      if (e != null) {
        denied(principal, sessionId, resource, e);
      } else if (result.downgraded()) {
        audit.record(new AuditRecord(AuditEvent.DENIAL, resource, principal.userId(), sessionId, null, null,
            result.reason().name()));
      }
    });
  }

  /** {@code leave}. */
  public CompletionStage<Void> leave(String sessionId, ResourceId resource) {
    return store.leave(sessionId, resource);
  }

  /**
   * {@code lock.acquire}.
   *
   * @param wait join the queue when the lock is held and the policy is {@code conflict: queue}
   * @throws BatonException FORBIDDEN without edit access; NOT_JOINED, LOCK_HELD, LOCK_LIMIT
   */
  public CompletionStage<AcquireResult> acquire(
      Principal principal, String sessionId, ResourceId resource, boolean takeOwn, boolean wait) {
    CompletionStage<AcquireResult> acquired = principal.access().accessTo(resource).allows(Access.EDIT)
        ? store.acquire(sessionId, resource, takeOwn, wait)
        : forbidden("edit", resource);
    if (succeeded(acquired)) {
      return acquired; // nothing to record, so no stage to chain (the memory store answers at once)
    }
    return acquired.whenComplete((result, e) -> denied(principal, sessionId, resource, e));
  }

  /** {@code lock.cancel}: leaves the queue or withdraws a pending takeover; BAD_REQUEST if neither. */
  public CompletionStage<Void> cancel(String sessionId, ResourceId resource) {
    return store.cancel(sessionId, resource);
  }

  /**
   * {@code lock.request}: asks the holder to let the caller edit.
   *
   * @throws BatonException FORBIDDEN without edit access; NOT_JOINED, BAD_REQUEST, RATE_LIMITED
   */
  public CompletionStage<Void> request(Principal principal, String sessionId, ResourceId resource, String message) {
    if (!principal.access().accessTo(resource).allows(Access.EDIT)) {
      return forbidden("edit", resource);
    }
    return store.request(sessionId, resource, message);
  }

  /**
   * {@code lock.takeover}: an admin asks for the lock (policy {@code takeover.mode}); with {@code force}
   * an emergency user takes it at once (break-glass, also where the mode is {@code disabled}).
   *
   * @throws BatonException BAD_REQUEST without a reason; FORBIDDEN without the admin role (emergency
   *     role for {@code force}), without edit access, or with takeover disabled; NOT_JOINED,
   *     TAKEOVER_PENDING, LOCK_HELD
   */
  public CompletionStage<AcquireResult> takeover(
      Principal principal, String sessionId, ResourceId resource, String reason, boolean force) {
    return checkedTakeover(principal, sessionId, resource, reason, force).whenComplete((result, e) -> {
      if (e != null) {
        denied(principal, sessionId, resource, e);
      } else if (force && result instanceof AcquireResult.Granted g) {
        audit.record(new AuditRecord(AuditEvent.TAKEOVER_FORCE, resource, principal.userId(), sessionId,
            g.lease().token(), principal.userId(), reason.strip()));
      }
    });
  }

  private CompletionStage<AcquireResult> checkedTakeover(
      Principal principal, String sessionId, ResourceId resource, String reason, boolean force) {
    if (reason == null || reason.isBlank()) {
      return failed(ErrorCode.BAD_REQUEST, "a takeover needs a reason");
    }
    if (force ? !principal.hasRole(roles.emergency()) : !principal.hasRole(roles.admin())) {
      return failed(ErrorCode.FORBIDDEN, force
          ? "breaking the glass needs the " + roles.emergency() + " role"
          : "a takeover needs the " + roles.admin() + " role");
    }
    if (!principal.access().accessTo(resource).allows(Access.EDIT)) {
      return forbidden("edit", resource);
    }
    TakeoverMode mode = policies.forType(resource.type()).takeover().mode();
    if (mode == TakeoverMode.DISABLED && !force) {
      return failed(ErrorCode.FORBIDDEN, "takeover is disabled for " + resource.type());
    }
    return store.takeover(sessionId, resource, reason.strip(), force || mode == TakeoverMode.IMMEDIATE);
  }

  /** {@code takeover.respond}: the holder accepts (hands over now) or declines (where allowed). */
  public CompletionStage<Void> respondTakeover(String sessionId, ResourceId resource, boolean accept) {
    return store.respondTakeover(sessionId, resource, accept);
  }

  /**
   * {@code DELETE /v1/locks/{resource}}: an admin force-releases a lock.
   *
   * @throws BatonException FORBIDDEN without the admin role, BAD_REQUEST without a reason, NOT_HOLDER
   *     when nobody holds it
   */
  public CompletionStage<Void> forceRelease(Principal admin, ResourceId resource, String reason) {
    if (!admin.hasRole(roles.admin())) {
      return failed(ErrorCode.FORBIDDEN, "a force release needs the " + roles.admin() + " role");
    }
    if (reason == null || reason.isBlank()) {
      return failed(ErrorCode.BAD_REQUEST, "a force release needs a reason");
    }
    String stated = reason.strip();
    return store.forceRelease(resource, new Holder(admin.userId(), admin.name(), null), stated)
        .whenComplete((v, e) -> {
          if (e == null) {
            audit.record(new AuditRecord(AuditEvent.FORCE_RELEASE, resource, null, null, null, admin.userId(),
                stated));
          }
        });
  }

  /** {@code lock.release}; NOT_HOLDER when the session does not hold it. */
  public CompletionStage<Void> release(String sessionId, ResourceId resource) {
    return store.release(sessionId, resource);
  }

  /** {@code lock.renew}; LOCK_LOST when {@code token} is no longer current. */
  public CompletionStage<Lease> renew(String sessionId, ResourceId resource, long token) {
    return store.renew(sessionId, resource, token);
  }

  /** {@code heartbeat}: renews the session's own locks. */
  public CompletionStage<List<Lease>> heartbeat(String sessionId) {
    return store.heartbeat(sessionId);
  }

  /**
   * {@code presence.sync}: the resource as a member sees it.
   *
   * @throws BatonException NOT_JOINED when the session is not a member
   */
  public CompletionStage<ResourceState> sync(String sessionId, ResourceId resource) {
    return store.state(resource, sessionId).thenApply(state -> {
      if (state.role() == null) {
        throw new BatonException(ErrorCode.NOT_JOINED, "join " + resource + " before syncing it");
      }
      return state;
    });
  }

  /** A resource as a service sees it, token included. */
  public CompletionStage<ResourceState> state(ResourceId resource) {
    return store.state(resource, null);
  }

  /** Every active child of a document, as a service sees it. */
  public CompletionStage<List<ResourceState>> document(String type, String id) {
    return store.document(type, id);
  }

  /** The save guard. */
  public CompletionStage<Verification> verify(ResourceId resource, long token) {
    return store.verify(resource, token);
  }

  /** A user's locks, as a service sees them. */
  public CompletionStage<List<ResourceLock>> locksOf(String userId) {
    return store.locksOf(userId);
  }

  /** The effective policy of a resource's type. */
  public Policy policy(ResourceId resource) {
    return policies.forType(resource.type());
  }

  /** The policies, whose timings {@code welcome} announces. */
  public Policies policies() {
    return policies;
  }

  /** Counts for metrics. */
  public StoreStats stats() {
    return store.stats();
  }

  /** Records a refusal ({@code BatonException}) of a join, acquire or takeover as a denial. */
  private void denied(Principal principal, String sessionId, ResourceId resource, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof BatonException b) {
      audit.record(new AuditRecord(AuditEvent.DENIAL, resource, principal.userId(), sessionId, null, null,
          b.code().name()));
    }
  }

  /** Whether {@code stage} has already completed normally. */
  private static boolean succeeded(CompletionStage<?> stage) {
    return stage instanceof CompletableFuture<?> f && f.isDone() && !f.isCompletedExceptionally();
  }

  private static <T> CompletionStage<T> forbidden(String what, ResourceId resource) {
    return failed(ErrorCode.FORBIDDEN, "no " + what + " access to " + resource);
  }

  private static <T> CompletionStage<T> failed(ErrorCode code, String message) {
    return CompletableFuture.failedFuture(new BatonException(code, message));
  }
}
