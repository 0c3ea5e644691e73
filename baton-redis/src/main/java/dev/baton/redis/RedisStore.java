package dev.baton.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.Event;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.EventSink;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.Holder;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Presence;
import dev.baton.core.model.ResourceState;
import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.session.ResumeTokens;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.ResourceLock;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import dev.baton.core.store.Verification;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The store of several nodes: all state in Redis, every operation one or more Lua scripts, time
 * from Redis {@code TIME} (or an injected clock in tests). See {@link Store} for the contract and
 * docs/redis-design.md for the layout; the scripts in {@code src/main/resources/lua} are the state
 * machine, the Lua twin of the memory store's.
 *
 * <p><b>Atomicity.</b> Every lock operation ({@code acquire}, {@code release}, {@code renew},
 * {@code cancel}, {@code request}, {@code takeover}, {@code respondTakeover}, {@code forceRelease},
 * {@code state}, {@code document}, {@code verify}) is one script on the document's hash tag: one
 * {@code FCALL} of the store's Redis Function library ({@link FunctionLibrary}), one round trip.
 * Operations that span a session and its documents ({@code join}, {@code leave}, {@code disconnect},
 * {@code resumeSession}, {@code endSession}, {@code heartbeat}, {@code locksOf}, {@code sweep}) are
 * a session step and one script per document; each step is
 * atomic, the whole is not, and is built so that any interleaving ends consistent (generations on
 * member records, a confirmation after a join).
 *
 * <p><b>Events.</b> Each script returns the events it caused; they are handed to the sink on the
 * {@link RedisLink}'s thread, in the order Redis ran the scripts, before the stage completes (every
 * operation is built on that thread, so no reply can overtake its callbacks). The script also
 * publishes them, with the document's sequence number, on the document's channel for other nodes.
 * The sink must not block and must not call back into the store.
 *
 * <p><b>Errors.</b> Refusals complete the stage with the same {@link BatonException} (code, message,
 * details) as the memory store. Every Redis failure (unreachable, timeout, error reply) completes it
 * with {@code UNAVAILABLE}; a failing script or an unreadable reply (a bug) with {@code INTERNAL}.
 *
 * <p><b>Scripts.</b> The constructor queues the loading of the library on the link ({@code FUNCTION
 * LOAD}, on every master of a Cluster) and returns; a call that finds no library loads it again.
 *
 * <p><b>Threads.</b> Thread-safe; calls may come from any thread. Stages complete on the link's
 * thread (a Vert.x event loop), so callers continue on it unless they hop back to their own context.
 */
public final class RedisStore implements Store {

  /** How long an idle resource's record of its last lock is kept for {@code verify}, as in memory. */
  static final Duration IDLE_RECORD_TTL = Duration.ofHours(1);

  /** The most due documents (or away sessions) one {@link #sweep} takes on; the rest wait for the next. */
  static final int SWEEP_BATCH = 1000;

  /**
   * On a Cluster, every this many sweeps (and on the first) a node offers to look at the deadline sets
   * of all the slots of each master, not only its active ones: how the deadlines recorded by a node
   * that died are found. The offer is taken only when no node did a full scan of that master within
   * {@link #FULL_SCAN_LEASE_MS}, so a master does one full scan per lease whatever the number of
   * nodes, and any live node finds a dead node's deadlines within about one second (three sweeps
   * at the default 250 ms, plus the sweep that visits them).
   */
  static final int FULL_SCAN_EVERY = 3;

  /**
   * The full-scan lease per master, milliseconds of Redis time ({@code SET NX PX}): a little under
   * {@link #FULL_SCAN_EVERY} default sweep intervals, so that one node alone always wins its own
   * next offer.
   */
  static final long FULL_SCAN_LEASE_MS = 700;

  /** The node timeout of the short constructor (the server's default of {@code redis.nodeTimeout}). */
  public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a session must have been attached before {@link #reconcile} counts it as lost when this
   * node has no connection for it (a session opened just now may not have been handed to the node's
   * hub yet).
   */
  static final Duration RECONCILE_MIN_AGE = Duration.ofSeconds(30);

  private final RedisLink link;
  private final RedisKeys keys;
  private final Policies policies;
  private final BatchSink sink;
  private final RedisTime time;
  private final String nodeId;
  private final Duration nodeTimeout;
  private final NodeListener nodeListener;
  private final ObjectMapper json = new ObjectMapper();
  private final RedisEventCodec codec = new RedisEventCodec(json);
  private final Map<String, String> policyJsonByType = new HashMap<>();
  private final String defaultPolicyJson;
  private final String gracesJson;
  private volatile StoreStats stats = new StoreStats(0, 0);
  // Cluster sweeper state, only touched on the link's thread.
  /** Slots whose deadline set this node wrote or last found not empty: looked at on every sweep. */
  private final Set<Integer> activeSlots = new HashSet<>();
  private long sweeps;
  private volatile boolean reachable;

  /**
   * A store whose events go straight to {@code sink} (one node, or tests), with the default node
   * timeout and nobody told about node liveness.
   *
   * @param link the way to Redis; its reply order is the event order
   * @param keys key names with the configured prefix
   * @param policies TTLs, graces and limits by resource type
   * @param sink receives every event in commit order, on the link's thread
   * @param time {@link RedisTime#server()} in production, an injected clock in tests
   * @param nodeId this node's id: sessions record where they are attached
   * @throws IllegalArgumentException if {@code nodeId} is blank
   */
  public RedisStore(
      RedisLink link, RedisKeys keys, Policies policies, EventSink sink, RedisTime time, String nodeId) {
    this(link, keys, policies, BatchSink.of(sink), time, nodeId, DEFAULT_NODE_TIMEOUT, NodeListener.NONE);
  }

  /**
   * The store of one node among several.
   *
   * @param sink receives the events of every script this node runs, with document and sequence
   *     number (a {@link RedisEventRelay}), on the link's thread
   * @param nodeTimeout a node whose heartbeat ({@link #sweep}) is older than this is declared dead
   * @param nodeListener told about node liveness
   * @throws IllegalArgumentException if {@code nodeId} is blank or {@code nodeTimeout} not positive
   */
  public RedisStore(RedisLink link, RedisKeys keys, Policies policies, BatchSink sink, RedisTime time,
      String nodeId, Duration nodeTimeout, NodeListener nodeListener) {
    this.link = Objects.requireNonNull(link, "link");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.time = Objects.requireNonNull(time, "time");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.nodeTimeout = Objects.requireNonNull(nodeTimeout, "nodeTimeout");
    this.nodeListener = Objects.requireNonNull(nodeListener, "nodeListener");
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("nodeId must not be blank");
    }
    if (nodeTimeout.isNegative() || nodeTimeout.isZero()) {
      throw new IllegalArgumentException("nodeTimeout " + nodeTimeout + " must be positive");
    }
    this.defaultPolicyJson = write(policyArgument(policies.defaultPolicy(), nodeId, keys.clustered()));
    Map<String, Long> graceByType = new LinkedHashMap<>();
    for (Map.Entry<String, Policy> e : policies.types().entrySet()) {
      policyJsonByType.put(e.getKey(), write(policyArgument(e.getValue(), nodeId, keys.clustered())));
      graceByType.put(e.getKey(), micros(e.getValue().disconnectGrace()));
    }
    Map<String, Object> graces = new LinkedHashMap<>();
    graces.put("default", micros(policies.defaultPolicy().disconnectGrace()));
    graces.put("types", graceByType);
    this.gracesJson = write(graces);
    link.execute(this::loadLibraryEverywhere);
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public CompletionStage<SessionGrant> openSession(Principal principal, String connectionId, int maxSessionsPerUser) {
    return stage(() -> openNew(principal, connectionId, maxSessionsPerUser));
  }

  @Override
  public CompletionStage<SessionGrant> resumeSession(
      Principal principal, String resumeToken, String connectionId, int maxSessionsPerUser) {
    return stage(() -> {
      String fresh = ResumeTokens.newToken();
      return call(LuaScript.SESSION_RESUME,
          List.of(keys.resumeIndex(), keys.away(), keys.nodeSessions(nodeId), keys.nodes()),
          args(ResumeTokens.hash(resumeToken), ResumeTokens.hash(fresh), principal.userId(), connectionId,
              nodeId, gracesJson, keys.sessionPrefix(), keys.nodeSessionsPrefix(), keys.nodeChannelPrefix()))
          .compose(reply -> {
            JsonNode r = reply.result();
            String sessionId = RedisEventCodec.text(r, "sessionId");
            List<ResourceId> dropped = RedisEventCodec.resources(r.get("dropped"));
            boolean found = r.path("found").asBoolean();
            boolean expired = r.path("lapsed").asBoolean();
            Future<Void> lapsed = (sessionId == null || dropped.isEmpty()
                ? Future.<Void>succeededFuture()
                : removeMemberships(sessionId, dropped, expired ? "expired" : "disconnected"))
                .compose(v -> ended(!found && sessionId != null, sessionId, principal.userId(),
                    expired ? LeaveReason.EXPIRED : LeaveReason.DISCONNECTED))
                // after the lapsed memberships, as the memory store
                .compose(v -> handOn(null, 0, reply.events()));
            Future<SessionGrant> grant = lapsed.compose(v -> {
              if (!found) {
                return openNew(principal, connectionId, maxSessionsPerUser);
              }
              List<ResourceId> memberships = RedisEventCodec.resources(r.get("memberships"));
              return status(sessionId, memberships, "online", 0, r.get("gen").asLong(), true, false)
                  .map(views -> new SessionGrant(sessionId, fresh, true, views));
            });
            // The token is spent and the caller will never learn the new one: let the session go away
            // into its grace instead of staying attached to this connection.
            return found ? grant.onFailure(t -> disconnect(sessionId, connectionId)) : grant;
          });
    });
  }

  @Override
  public CompletionStage<Void> disconnect(String sessionId, String connectionId) {
    return stage(() -> run(LuaScript.SESSION_DISCONNECT, List.of(keys.session(sessionId), keys.away()),
        args(connectionId, gracesJson))
        .compose(r -> {
          if (!r.path("changed").asBoolean()) {
            return Future.succeededFuture();
          }
          return status(sessionId, RedisEventCodec.resources(r.get("memberships")), "away",
              r.get("awaySince").asLong(), r.get("gen").asLong(), false, false).mapEmpty();
        }));
  }

  @Override
  public CompletionStage<Void> endSession(String sessionId) {
    return stage(() -> run(LuaScript.SESSION_END,
        List.of(keys.session(sessionId), keys.resumeIndex(), keys.away()), args(keys.nodeSessionsPrefix()))
        .compose(r -> removeMemberships(sessionId, RedisEventCodec.resources(r.get("memberships")), "bye")
            .compose(v -> ended(r.path("found").asBoolean(), sessionId, RedisEventCodec.text(r, "userId"),
                LeaveReason.BYE))));
  }

  // ---------------------------------------------------------------- membership

  @Override
  public CompletionStage<JoinResult> join(String sessionId, ResourceId resource, JoinMode mode, boolean canEdit) {
    return stage(() -> {
      Policy policy = policies.forType(resource.type());
      return run(LuaScript.SESSION_JOIN, List.of(keys.session(sessionId)),
          args(resource.toString(), Integer.toString(policy.maxJoinsPerSession()), resource.type()))
          .compose(s -> {
            boolean recorded = s.path("added").asBoolean();
            long gen = s.get("gen").asLong();
            return doc(LuaScript.JOIN, resource.document(), sessionId, RedisEventCodec.text(s, "userId"),
                RedisEventCodec.text(s, "name"), resource.child(), mode == JoinMode.EDIT ? "edit" : "view",
                flag(canEdit), RedisEventCodec.text(s, "status"), Long.toString(s.get("awaySince").asLong()),
                Long.toString(gen))
                .recover(t -> recorded && isRefusal(t)
                    ? run(LuaScript.SESSION_LEAVE, List.of(keys.session(sessionId)), args(resource.toString()))
                        .transform(x -> Future.failedFuture(t))
                    : Future.failedFuture(t))
                .compose(r -> r.path("added").asBoolean()
                    ? confirmJoin(sessionId, resource, gen).map(r)
                    : Future.succeededFuture(r));
          })
          .map(r -> {
            ResourceState state = codec.view(r.get("state"), sessionId);
            if (!r.path("downgraded").asBoolean()) {
              return JoinResult.as(state);
            }
            return new JoinResult(state, true, ErrorCode.valueOf(RedisEventCodec.text(r, "reason")),
                RedisEventCodec.text(r, "message"), RedisEventCodec.text(r, "lockResource"));
          });
    });
  }

  /**
   * The third step of a join that added a member: if the session ended, left or changed state while
   * the document script ran, the document is brought in line with it.
   */
  private Future<Void> confirmJoin(String sessionId, ResourceId resource, long gen) {
    return get(keys.session(sessionId)).compose(s -> {
      String child = write(List.of(resource.child()));
      if (s == null) {
        return doc(LuaScript.LEAVE, resource.document(), sessionId, "bye", child).mapEmpty();
      }
      if (!RedisEventCodec.resources(s.get("memberships")).contains(resource)) {
        return doc(LuaScript.LEAVE, resource.document(), sessionId, "left", child).mapEmpty();
      }
      long now = s.get("gen").asLong();
      if (now != gen) {
        boolean connected = s.path("connected").asBoolean();
        return doc(LuaScript.STATUS, resource.document(), sessionId, child, connected ? "online" : "away",
            Long.toString(s.path("awaySince").asLong()), Long.toString(now), "0",
            flag(s.path("lapsed").asBoolean())).mapEmpty();
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public CompletionStage<Void> leave(String sessionId, ResourceId resource) {
    return stage(() -> run(LuaScript.SESSION_LEAVE, List.of(keys.session(sessionId)), args(resource.toString()))
        .compose(r -> removeMemberships(sessionId, List.of(resource), "left")));
  }

  // ---------------------------------------------------------------- locks

  @Override
  public CompletionStage<AcquireResult> acquire(
      String sessionId, ResourceId resource, boolean takeOwn, boolean wait) {
    return stage(() -> doc(LuaScript.ACQUIRE, resource.document(), sessionId, resource.child(), flag(takeOwn),
        flag(wait)).map(r -> acquired(resource, r)));
  }

  @Override
  public CompletionStage<Void> release(String sessionId, ResourceId resource) {
    return stage(() -> doc(LuaScript.RELEASE, resource.document(), sessionId, resource.child()).mapEmpty());
  }

  @Override
  public CompletionStage<Lease> renew(String sessionId, ResourceId resource, long token) {
    return stage(() -> doc(LuaScript.RENEW, resource.document(), sessionId, resource.child(), Long.toString(token))
        .map(r -> RedisEventCodec.lease(r.get("lease"))));
  }

  @Override
  public CompletionStage<List<Lease>> heartbeat(String sessionId) {
    return stage(() -> get(keys.session(sessionId)).compose(s -> {
      if (s == null) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAUTHENTICATED, "the session has ended"));
      }
      List<ResourceId> memberships = RedisEventCodec.resources(s.get("memberships"));
      List<Future<JsonNode>> calls = new ArrayList<>();
      for (Map.Entry<String, List<String>> d : byDocument(memberships).entrySet()) {
        calls.add(doc(LuaScript.HEARTBEAT, d.getKey(), sessionId, write(d.getValue())));
      }
      return Future.all(calls).map(all -> {
        Map<ResourceId, Lease> leases = new HashMap<>();
        for (Future<JsonNode> call : calls) {
          for (JsonNode l : RedisEventCodec.list(call.result().get("leases"))) {
            Lease lease = RedisEventCodec.lease(l);
            leases.put(lease.resource(), lease);
          }
        }
        List<Lease> ordered = new ArrayList<>();
        for (ResourceId r : memberships) {
          if (leases.containsKey(r)) {
            ordered.add(leases.get(r));
          }
        }
        return ordered;
      });
    }));
  }

  @Override
  public CompletionStage<Void> cancel(String sessionId, ResourceId resource) {
    return stage(() -> doc(LuaScript.CANCEL, resource.document(), sessionId, resource.child()).mapEmpty());
  }

  @Override
  public CompletionStage<Void> request(String sessionId, ResourceId resource, String message) {
    return stage(() -> doc(LuaScript.REQUEST, resource.document(), sessionId, resource.child(),
        flag(message != null), message == null ? "" : message).mapEmpty());
  }

  @Override
  public CompletionStage<AcquireResult> takeover(
      String sessionId, ResourceId resource, String reason, boolean immediate) {
    return stage(() -> doc(LuaScript.TAKEOVER, resource.document(), sessionId, resource.child(),
        reason == null ? "" : reason, flag(immediate)).map(r -> acquired(resource, r)));
  }

  @Override
  public CompletionStage<Void> respondTakeover(String sessionId, ResourceId resource, boolean accept) {
    return stage(() -> doc(LuaScript.RESPOND, resource.document(), sessionId, resource.child(), flag(accept))
        .mapEmpty());
  }

  @Override
  public CompletionStage<Void> forceRelease(ResourceId resource, Holder actor, String reason) {
    return stage(() -> {
      String by = "";
      if (actor != null) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("userId", actor.userId());
        a.put("name", actor.name());
        if (actor.sessionId() != null) {
          a.put("sessionId", actor.sessionId());
        }
        by = write(a);
      }
      return doc(LuaScript.FORCE_RELEASE, resource.document(), resource.child(), by, reason == null ? "" : reason)
          .mapEmpty();
    });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public CompletionStage<ResourceState> state(ResourceId resource, String viewerSessionId) {
    return stage(() -> doc(LuaScript.STATE, resource.document(), resource.child()).map(r -> {
      JsonNode view = r.get("view");
      if (RedisEventCodec.absent(view)) {
        return new ResourceState(resource, null, LockState.free(0), new Presence(0, List.of()));
      }
      return codec.view(view, viewerSessionId);
    }));
  }

  @Override
  public CompletionStage<List<ResourceState>> document(String type, String id) {
    return stage(() -> doc(LuaScript.DOCUMENT, type + ':' + id).map(r -> {
      List<ResourceState> views = new ArrayList<>();
      for (JsonNode v : RedisEventCodec.list(r.get("views"))) {
        views.add(codec.view(v, null));
      }
      return views;
    }));
  }

  @Override
  public CompletionStage<Verification> verify(ResourceId resource, long token) {
    return stage(() -> doc(LuaScript.VERIFY, resource.document(), resource.child(), Long.toString(token))
        .map(r -> new Verification(r.path("valid").asBoolean(), RedisEventCodec.text(r, "reason"),
            RedisEventCodec.holder(r.get("holder")), RedisEventCodec.lockState(r.get("lock")))));
  }

  @Override
  public CompletionStage<List<ResourceLock>> locksOf(String userId) {
    return stage(() -> link.send(Request.cmd(Command.SMEMBERS).arg(keys.userLocks(userId)))
        .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(failure(ar.cause())))
        .compose(members -> {
          List<ResourceId> hinted = new ArrayList<>();
          if (members != null) {
            for (Response m : members) {
              hinted.add(ResourceId.parse(m.toString()));
            }
          }
          List<Future<JsonNode>> calls = new ArrayList<>();
          for (String document : byDocument(hinted).keySet()) {
            calls.add(doc(LuaScript.LOCKS, document, userId));
          }
          return Future.all(calls).map(all -> {
            List<ResourceLock> locks = new ArrayList<>();
            for (Future<JsonNode> call : calls) {
              for (JsonNode l : RedisEventCodec.list(call.result().get("locks"))) {
                locks.add(new ResourceLock(ResourceId.parse(RedisEventCodec.text(l, "resource")),
                    RedisEventCodec.lockState(l.get("lock"))));
              }
            }
            return locks;
          });
        }));
  }

  // ---------------------------------------------------------------- time

  /**
   * Visits what is due: first the away sessions whose grace (or a membership's) is over, then the
   * documents whose next deadline has come, at most {@link #SWEEP_BATCH} of each (on a Cluster, per
   * master, from the per-slot deadline sets: all slots once per full-scan lease across the nodes,
   * the active ones in between; docs/redis-design.md, "Cluster"); then refreshes {@link #stats}. Any node may sweep at any time: every visit is a script that retires and
   * announces only what is still there, so nothing is announced twice.
   */
  @Override
  public CompletionStage<Void> sweep() {
    return stage(() -> beat()
        .compose(v -> due(keys.away()))
        .compose(sessionIds -> {
          List<Future<Void>> visits = new ArrayList<>();
          for (String sessionId : sessionIds) {
            visits.add(run(LuaScript.SESSION_SETTLE,
                List.of(keys.session(sessionId), keys.resumeIndex(), keys.away()),
                args(gracesJson, keys.nodeSessionsPrefix(), sessionId))
                .compose(r -> {
                  boolean expired = r.path("lapsed").asBoolean();
                  return removeMemberships(sessionId, RedisEventCodec.resources(r.get("dropped")),
                      expired ? "expired" : "disconnected")
                      .compose(x -> ended(r.path("ended").asBoolean(), sessionId, RedisEventCodec.text(r, "userId"),
                          expired ? LeaveReason.EXPIRED : LeaveReason.DISCONNECTED));
                }));
          }
          return Future.all(visits);
        })
        .compose(v -> keys.clustered() ? dueInSlots() : due(keys.due()).map(ids -> new DueDocuments(ids, -1)))
        .compose(due -> {
          List<Future<JsonNode>> visits = new ArrayList<>();
          for (String documentId : due.documentIds()) {
            visits.add(doc(LuaScript.SWEEP, documentId));
          }
          return Future.all(visits).compose(v -> refreshStats(due.locks()));
        })
        .onComplete(ar -> reachable = ar.succeeded() || !unavailable(ar.cause())));
  }

  /**
   * Whether Redis answered the last {@link #sweep} (which runs every sweep interval): false before
   * the first one and while Redis is unreachable, busy, loading or read-only. For readiness.
   */
  public boolean reachable() {
    return reachable;
  }

  /**
   * This node is stopping: every session still attached to it goes away now (its grace starts, as
   * after a disconnect) and the node leaves the heartbeat set, so that nobody has to wait for the
   * node timeout to find out. Call after the connections were closed.
   */
  public CompletionStage<Void> deregister() {
    return stage(() -> nodeDown(nodeId, "disconnected", "").mapEmpty());
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Heartbeat: records this node's beat, tells the listener if another node declared this one dead,
   * and sets the sessions of every node found dead away (grace running, ending with reason {@code
   * expired}).
   */
  private Future<Void> beat() {
    return run(LuaScript.NODE_BEAT, List.of(keys.nodes(), keys.nodeDown(nodeId)),
        args(nodeId, Long.toString(micros(nodeTimeout))))
        .compose(r -> {
          if (r.path("revived").asBoolean()) {
            nodeListener.declaredDead();
          }
          String limit = RedisEventCodec.absent(r.get("limit")) ? "" : r.get("limit").asText();
          List<Future<Void>> downs = new ArrayList<>();
          for (JsonNode dead : RedisEventCodec.list(r.get("dead"))) {
            String id = dead.asText();
            downs.add(nodeDown(id, "expired", limit).map(n -> {
              if (n >= 0) {
                nodeListener.declaredDead(id, n);
              }
              return null;
            }));
          }
          return Future.all(downs).mapEmpty();
        });
  }

  /**
   * Sets the attached sessions of node {@code id} away; the number of sessions it had, or -1 when it
   * beat again after {@code limit} (it is alive).
   */
  private Future<Integer> nodeDown(String id, String reason, String limit) {
    return run(LuaScript.NODE_DOWN, List.of(keys.nodes(), keys.nodeSessions(id), keys.away(), keys.nodeDown(id)),
        args(id, gracesJson, keys.sessionPrefix(), reason, limit))
        .compose(r -> {
          if (!r.path("down").asBoolean()) {
            return Future.succeededFuture(-1);
          }
          List<JsonNode> sessions = RedisEventCodec.list(r.get("sessions"));
          return away(sessions, "expired".equals(reason)).map(sessions.size());
        });
  }

  /** The per-document half of setting sessions away (status.lua), for sessions set away in bulk. */
  private Future<Void> away(List<JsonNode> sessions, boolean lapse) {
    List<Future<List<ResourceState>>> calls = new ArrayList<>();
    for (JsonNode s : sessions) {
      calls.add(status(RedisEventCodec.text(s, "sessionId"), RedisEventCodec.resources(s.get("memberships")),
          "away", s.get("awaySince").asLong(), s.get("gen").asLong(), false, lapse));
    }
    return Future.all(calls).mapEmpty();
  }

  /**
   * Brings Redis's record of this node's sessions in line with {@code attached} (session id to
   * connection id, the sessions this node has a connection for): a session Redis still shows
   * attached here, for longer than {@link #RECONCILE_MIN_AGE}, that has no connection here goes away
   * (a disconnect that never reached Redis); the sessions of {@code attached} that Redis shows ended
   * or attached to another connection are returned, for the node to close. Call on the link's thread.
   */
  Future<List<String>> reconcile(Map<String, String> attached) {
    return run(LuaScript.NODE_RECONCILE, List.of(keys.nodeSessions(nodeId), keys.away()),
        args(nodeId, write(attached), Long.toString(micros(RECONCILE_MIN_AGE)), gracesJson, keys.sessionPrefix()))
        .compose(r -> away(RedisEventCodec.list(r.get("away")), false).map(v -> {
          List<String> foreign = new ArrayList<>();
          for (JsonNode id : RedisEventCodec.list(r.get("foreign"))) {
            foreign.add(id.asText());
          }
          return foreign;
        }));
  }

  /** Where Redis shows a session that this node has a connection for. */
  enum Attachment {
    /** Attached to that connection of this node. */
    HERE,
    /** Attached to another connection (of this node or another): it was resumed there. */
    ELSEWHERE,
    /** Redis has no such session (its data was lost, or the session ended). */
    GONE
  }

  /** Where Redis shows {@code sessionId}, against {@code connectionId} of this node. Call on the link's thread. */
  Future<Attachment> attachment(String sessionId, String connectionId) {
    return get(keys.session(sessionId)).map(s -> {
      if (s == null) {
        return Attachment.GONE;
      }
      return nodeId.equals(RedisEventCodec.text(s, "node")) && connectionId.equals(RedisEventCodec.text(s, "conn"))
          ? Attachment.HERE : Attachment.ELSEWHERE;
    });
  }

  /** Children of a document as a service sees them, and the document's event sequence number. */
  record Snapshot(long seq, List<ResourceState> views) {}

  /**
   * Reads {@code children} of {@code documentId} and the document's sequence number without settling
   * anything (no event, no write): what a node pushes to its members when it resynchronizes. Call
   * on the link's thread.
   */
  Future<Snapshot> snapshot(String documentId, List<String> children) {
    return call(LuaScript.SNAPSHOT, documentKeys(documentId), documentArgs(documentId, write(children)))
        .map(reply -> {
          List<ResourceState> views = new ArrayList<>();
          for (JsonNode v : RedisEventCodec.list(reply.result().get("views"))) {
            views.add(codec.view(v, null));
          }
          return new Snapshot(reply.seq(), views);
        });
  }

  /** This node's id. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Counts as of the last {@link #sweep} (so at most one sweep interval old): sessions from the size
   * of the resume-token index, locks from the counter the scripts keep. Never blocks.
   */
  @Override
  public StoreStats stats() {
    return stats;
  }

  // ---------------------------------------------------------------- multi-document steps

  private Future<SessionGrant> openNew(Principal principal, String connectionId, int maxSessionsPerUser) {
    String sessionId = ResumeTokens.newSessionId();
    String token = ResumeTokens.newToken();
    return run(LuaScript.SESSION_OPEN,
        List.of(keys.session(sessionId), keys.resumeIndex(), keys.nodeSessions(nodeId), keys.nodes(),
            keys.userSessions(principal.userId())),
        args(sessionId, principal.userId(), principal.name(), ResumeTokens.hash(token), connectionId, nodeId,
            Integer.toString(maxSessionsPerUser)))
        .map(r -> new SessionGrant(sessionId, token, false, List.of()));
  }

  /** Announces the end of a session, after its memberships' events, when {@code ended}. */
  private Future<Void> ended(boolean ended, String sessionId, String userId, LeaveReason reason) {
    if (!ended) {
      return Future.succeededFuture();
    }
    return handOn(null, 0, List.of(new SessionEnded(sessionId, userId, reason)));
  }

  /** Removes the session's memberships of {@code resources}, one script per document. */
  private Future<Void> removeMemberships(String sessionId, List<ResourceId> resources, String reason) {
    List<Future<JsonNode>> calls = new ArrayList<>();
    for (Map.Entry<String, List<String>> d : byDocument(resources).entrySet()) {
      calls.add(doc(LuaScript.LEAVE, d.getKey(), sessionId, reason, write(d.getValue())));
    }
    return Future.all(calls).mapEmpty();
  }

  /**
   * Sets the session's members of {@code memberships} away or online, one script per document, and
   * returns their views as the session sees them (in membership order) when {@code views}.
   */
  private Future<List<ResourceState>> status(String sessionId, List<ResourceId> memberships, String status,
      long awaySince, long gen, boolean views, boolean lapse) {
    List<Future<JsonNode>> calls = new ArrayList<>();
    for (Map.Entry<String, List<String>> d : byDocument(memberships).entrySet()) {
      calls.add(doc(LuaScript.STATUS, d.getKey(), sessionId, write(d.getValue()), status, Long.toString(awaySince),
          Long.toString(gen), flag(views), flag(lapse)));
    }
    return Future.all(calls).map(all -> {
      Map<ResourceId, ResourceState> byResource = new HashMap<>();
      for (Future<JsonNode> call : calls) {
        for (JsonNode v : RedisEventCodec.list(call.result().get("views"))) {
          ResourceState state = codec.view(v, sessionId);
          byResource.put(state.resource(), state);
        }
      }
      List<ResourceState> ordered = new ArrayList<>();
      for (ResourceId r : memberships) {
        if (byResource.containsKey(r)) {
          ordered.add(byResource.get(r));
        }
      }
      return ordered;
    });
  }

  /**
   * Reads the session count and, unless {@code locksKnown} is one already (the sum of a Cluster's
   * per-slot counters, read with the deadlines), the lock counter; sets {@link #stats}.
   */
  private Future<Void> refreshStats(long locksKnown) {
    Future<Response> sessions = link.send(Request.cmd(Command.HLEN).arg(keys.resumeIndex()));
    Future<Response> locks = locksKnown >= 0 ? Future.succeededFuture(null)
        : link.send(Request.cmd(Command.GET).arg(keys.locksHeld()));
    return Future.all(sessions, locks)
        .transform(ar -> {
          if (ar.failed()) {
            return Future.failedFuture(failure(ar.cause()));
          }
          long s = sessions.result() == null ? 0 : sessions.result().toLong();
          long l = locksKnown >= 0 ? locksKnown
              : locks.result() == null ? 0 : Long.parseLong(locks.result().toString());
          stats = new StoreStats(s, Math.max(0, l));
          return Future.succeededFuture();
        });
  }

  /** Documents whose deadline has come, and the locks held (-1 when not read). */
  private record DueDocuments(List<String> documentIds, long locks) {}

  /**
   * On a Cluster: asks the masters ({@code CLUSTER SLOTS}) for the due documents and lock counts of
   * the slots to look at ({@code due_slots.lua}, one call per master, in parallel, at most {@link
   * #SWEEP_BATCH} documents each): every slot of a master when this sweep offers a full scan (every
   * {@link #FULL_SCAN_EVERY}th, and the first unconditionally) and no node did one within the lease,
   * else the {@link #activeSlots} only. Slots found without a deadline set leave the
   * active set; slots found with one join it.
   */
  private Future<DueDocuments> dueInSlots() {
    boolean first = sweeps == 0;
    boolean offerFull = sweeps++ % FULL_SCAN_EVERY == 0;
    return link.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
        .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(failure(ar.cause())))
        .compose(topology -> {
          List<Future<JsonNode>> scans = new ArrayList<>();
          List<List<List<Integer>>> scanned = new ArrayList<>(); // per call: {active slots, all slots}
          for (List<Integer> slots : slotsByMaster(topology).values()) {
            List<Integer> active = slots.stream().filter(activeSlots::contains).toList();
            if (active.isEmpty() && !offerFull) {
              continue;
            }
            String dueKey = keys.dueOfSlot(slots.get(0));
            String start = dueKey.substring(0, dueKey.indexOf('{') + 1);
            scanned.add(List.of(active, slots));
            scans.add(send(LuaScript.DUE_SLOTS, List.of(dueKey, keys.fullScanLease(slots.get(0))),
                args(start, Integer.toString(SWEEP_BATCH), tags(active), offerFull ? tags(slots) : "",
                    first ? "0" : Long.toString(FULL_SCAN_LEASE_MS)))
                .compose(this::readJson));
          }
          return Future.all(scans).map(all -> {
            List<String> ids = new ArrayList<>();
            long locks = 0;
            for (int i = 0; i < scans.size(); i++) {
              JsonNode scan = scans.get(i).result();
              for (JsonNode id : RedisEventCodec.list(scan.get("due"))) {
                ids.add(id.asText());
              }
              scanned.get(i).get(scan.path("full").asBoolean() ? 1 : 0).forEach(activeSlots::remove);
              for (JsonNode tag : RedisEventCodec.list(scan.get("active"))) {
                activeSlots.add(ClusterSlots.slot(tag.asText()));
              }
              locks += scan.path("locks").asLong();
            }
            return new DueDocuments(ids, locks);
          });
        });
  }

  /** The slots' precomputed tags, separated by spaces, as {@code due_slots.lua} reads them. */
  private static String tags(List<Integer> slots) {
    StringBuilder tags = new StringBuilder(slots.size() * 4);
    for (int slot : slots) {
      tags.append(ClusterSlots.tag(slot)).append(' ');
    }
    return tags.toString();
  }

  /**
   * The slots of each master, by the master's node id, from a {@code CLUSTER SLOTS} reply: ranges
   * {@code [start, end, [host, port, id], replicas…]}.
   */
  private static Map<String, List<Integer>> slotsByMaster(Response topology) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (Response range : topology) {
      Response master = range.get(2);
      String id = master.size() > 2 ? master.get(2).toString() : master.get(0) + ":" + master.get(1);
      List<Integer> slots = out.computeIfAbsent(id, x -> new ArrayList<>());
      for (int slot = range.get(0).toInteger(); slot <= range.get(1).toInteger(); slot++) {
        slots.add(slot);
      }
    }
    return out;
  }

  private Future<JsonNode> readJson(Response response) {
    try {
      return Future.succeededFuture(json.readTree(response.toString()));
    } catch (JsonProcessingException e) {
      return Future.failedFuture(new BatonException(ErrorCode.INTERNAL, "unreadable reply: " + e.getMessage()));
    }
  }

  private Future<List<String>> due(String key) {
    List<String> a = args(Integer.toString(SWEEP_BATCH));
    return send(LuaScript.DUE, List.of(key), a).map(reply -> {
      List<String> out = new ArrayList<>();
      if (reply != null) {
        for (Response member : reply) {
          out.add(member.toString());
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- scripts

  /**
   * The reply of a script: its result, its refusal (or null), the events it caused and, for a
   * document script, the document's event sequence number after it.
   */
  private record Reply(JsonNode result, JsonNode error, List<Event> events, long seq, JsonNode hints, boolean next) {}

  /** Runs a document script: KEYS and the common ARGV of lib.lua, then {@code opArgs}. */
  private Future<JsonNode> doc(LuaScript script, String documentId, String... opArgs) {
    return run(script, documentId, documentKeys(documentId), documentArgs(documentId, opArgs));
  }

  private List<String> documentKeys(String documentId) {
    return List.of(keys.document(documentId), keys.fence(documentId), keys.due(documentId),
        keys.events(documentId), keys.locksHeld(documentId), keys.members(documentId));
  }

  private List<String> documentArgs(String documentId, String... opArgs) {
    String type = documentId.substring(0, documentId.indexOf(':'));
    List<String> a = new ArrayList<>(args(policyJsonByType.getOrDefault(type, defaultPolicyJson), documentId,
        keys.clustered() ? "" : keys.userLocksPrefix()));
    a.addAll(List.of(opArgs));
    return a;
  }

  /** Runs a session script (see {@link #run(LuaScript, String, List, List)}). */
  private Future<JsonNode> run(LuaScript script, List<String> k, List<String> a) {
    return run(script, null, k, a);
  }

  /**
   * Runs a script, hands its events to the sink (and waits until the sink has handed them on), and
   * fails with its refusal if it refused.
   */
  private Future<JsonNode> run(LuaScript script, String documentId, List<String> k, List<String> a) {
    return call(script, k, a).compose(reply -> {
      applyHints(reply.hints());
      if (documentId != null && reply.next() && keys.clustered()) {
        activeSlots.add(ClusterSlots.slot(documentId));
      }
      return handOn(documentId, reply.seq(), reply.events()).transform(x -> {
        if (reply.error() != null) {
          return Future.failedFuture(refusal(reply.error()));
        }
        return Future.succeededFuture(reply.result());
      });
    });
  }

  /**
   * On a Cluster, applies the lock-hint changes a document script listed ({@code SADD}/{@code SREM}
   * of {@code p:user-locks:<userId>}, in another slot), in reply order, without waiting: the hint
   * only tells {@link #locksOf} where to look, and it verifies every entry. A lost write (Redis
   * unreachable right then) leaves a stale entry, which costs one look, or a missing one, which
   * hides that lock from {@code locksOf} until the user's next grant there.
   */
  private void applyHints(JsonNode hints) {
    for (JsonNode h : RedisEventCodec.list(hints)) {
      Command command = h.path("held").asBoolean() ? Command.SADD : Command.SREM;
      link.send(Request.cmd(command).arg(keys.userLocks(RedisEventCodec.text(h, "user")))
          .arg(RedisEventCodec.text(h, "resource")));
    }
  }

  /** Runs a script and decodes its reply, without handing on its events. */
  private Future<Reply> call(LuaScript script, List<String> k, List<String> a) {
    return send(script, k, a).compose(response -> {
      try {
        JsonNode reply = codec.reply(response);
        JsonNode error = reply.get("error");
        return Future.succeededFuture(new Reply(reply.get("result"), RedisEventCodec.absent(error) ? null : error,
            codec.decodeEvents(reply.get("events")), reply.path("seq").asLong(0), reply.get("hints"),
            !RedisEventCodec.absent(reply.get("next"))));
      } catch (JsonProcessingException | RuntimeException e) {
        return Future.failedFuture(new BatonException(ErrorCode.INTERNAL,
            "unreadable reply of " + script.file() + ": " + e.getMessage()));
      }
    });
  }

  /**
   * {@code FCALL} of the script's function, one round trip. If the server does not have the library
   * (Redis restarted without persistence, {@code FUNCTION FLUSH}, a new Cluster master), loads it on
   * that server and calls again, once: {@code FUNCTION LOAD REPLACE} and the {@code FCALL} in one
   * batch, which the link sends to the server of the call's keys (on a Cluster, the master of the
   * document's slot). {@code REPLACE}, so that a library loaded meanwhile by another node cannot fail
   * the batch (the source is the same, it is the same library).
   */
  private Future<Response> send(LuaScript script, List<String> k, List<String> a) {
    return link.send(fcall(script, k, a))
        .recover(t -> noFunction(t)
            ? link.batch(List.of(loadLibrary(true), fcall(script, k, a))).map(replies -> replies.get(1))
            : Future.failedFuture(t))
        .transform(ar -> ar.succeeded()
            ? Future.succeededFuture(ar.result())
            : Future.failedFuture(failure(ar.cause())));
  }

  private static Request fcall(LuaScript script, List<String> k, List<String> a) {
    Request request = Request.cmd(Command.FCALL).arg(script.function()).arg(k.size());
    k.forEach(request::arg);
    a.forEach(request::arg);
    return request;
  }

  private static Request loadLibrary(boolean replace) {
    Request load = Request.cmd(Command.FUNCTION).arg("LOAD");
    if (replace) {
      load.arg("REPLACE");
    }
    return load.arg(FunctionLibrary.SOURCE);
  }

  /**
   * Loads the library at start, without waiting (the first command on the link): {@code FUNCTION
   * LOAD}, on a Cluster on every master (a batch with an {@code EXISTS} of a key of one of its slots,
   * to route it there). A library already there answers an error, which is ignored, as is any other
   * failure: a call that finds no library loads it itself (see {@link #send}).
   */
  private void loadLibraryEverywhere() {
    if (!keys.clustered()) {
      link.send(loadLibrary(false));
      return;
    }
    link.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).onSuccess(topology -> {
      for (List<Integer> slots : slotsByMaster(topology).values()) {
        link.batch(List.of(loadLibrary(false), Request.cmd(Command.EXISTS).arg(keys.dueOfSlot(slots.get(0)))));
      }
    });
  }

  /** Reads a JSON string key; null when it does not exist. */
  private Future<JsonNode> get(String key) {
    return link.send(Request.cmd(Command.GET).arg(key)).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(failure(ar.cause()));
      }
      if (ar.result() == null) {
        return Future.succeededFuture(null);
      }
      try {
        return Future.succeededFuture(json.readTree(ar.result().toString()));
      } catch (JsonProcessingException e) {
        return Future.failedFuture(new BatonException(ErrorCode.INTERNAL, "unreadable " + key + ": " + e.getMessage()));
      }
    });
  }

  /** Hands a script's events to the sink; completes when the sink has handed them on. */
  private Future<Void> handOn(String documentId, long seq, List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return sink.accept(documentId, seq, events);
  }

  private static boolean unavailable(Throwable t) {
    return t instanceof BatonException e && e.code() == ErrorCode.UNAVAILABLE;
  }

  private static BatonException refusal(JsonNode error) {
    return new BatonException(ErrorCode.valueOf(error.get("code").asText()), error.get("message").asText(),
        RedisEventCodec.details(error.get("details")));
  }

  /** Whether {@code t} is the store's answer (a refusal), not a failure to get one. */
  private static boolean isRefusal(Throwable t) {
    return t instanceof BatonException e && e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.INTERNAL;
  }

  /** Redis's answer to an {@code FCALL} of a function it does not have. */
  private static boolean noFunction(Throwable t) {
    String message = t.getMessage();
    return message != null && message.startsWith("ERR Function not found");
  }

  /**
   * What a failed command means for the caller: a script that failed while running is a bug
   * ({@code INTERNAL}); anything else (no connection, timeout, an error reply such as {@code BUSY},
   * {@code LOADING}, {@code READONLY}, {@code OOM}) is {@code UNAVAILABLE}, retryable.
   */
  private static BatonException failure(Throwable t) {
    if (t instanceof BatonException baton) {
      return baton;
    }
    String message = String.valueOf(t.getMessage());
    if (message.contains("user_function") || message.contains("user_script")
        || message.contains("Error running script")) {
      return new BatonException(ErrorCode.INTERNAL, "a store script failed: " + message);
    }
    return new BatonException(ErrorCode.UNAVAILABLE, "the store is unavailable: " + message);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Builds and runs {@code op} on the link's thread, so that every callback of its chain is in place
   * before a reply can complete it (see {@link RedisLink}), and adapts its future; nothing untyped
   * escapes.
   */
  private <T> CompletionStage<T> stage(Supplier<Future<T>> op) {
    CompletableFuture<T> out = new CompletableFuture<>();
    link.execute(() -> {
      Future<T> future;
      try {
        future = op.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(ar -> {
        if (ar.succeeded()) {
          out.complete(ar.result());
        } else {
          Throwable t = ar.cause();
          out.completeExceptionally(t instanceof BatonException ? t
              : new BatonException(ErrorCode.INTERNAL, "the Redis store failed: " + t));
        }
      });
    });
    return out;
  }

  private static AcquireResult acquired(ResourceId resource, JsonNode r) {
    if (r.has("granted")) {
      return new AcquireResult.Granted(RedisEventCodec.lease(r.get("granted")));
    }
    if (r.has("queued")) {
      return new AcquireResult.Queued(resource, r.get("queued").asInt());
    }
    JsonNode pending = r.get("pending");
    return new AcquireResult.TakeoverPending(resource, pending.get("deadline").asLong(),
        pending.get("remainingMs").asLong());
  }

  /** The time ARGV (1 and 2), then {@code rest}. */
  private List<String> args(String... rest) {
    List<String> a = new ArrayList<>(rest.length + 2);
    a.add(time.nowMicros());
    a.add(time.wallMillis());
    a.addAll(List.of(rest));
    return a;
  }

  /** Child names by document, both in first-seen order. */
  private static Map<String, List<String>> byDocument(List<ResourceId> resources) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceId r : resources) {
      out.computeIfAbsent(r.document(), d -> new ArrayList<>()).add(r.child());
    }
    return out;
  }

  private static String flag(boolean b) {
    return b ? "1" : "0";
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000L;
  }

  /**
   * The policy argument of document scripts (ARGV[3]), with the node id they name in published
   * messages and whether they publish by sharded pub/sub (on a Cluster).
   */
  private static Map<String, Object> policyArgument(Policy p, String nodeId, boolean sharded) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ttl", micros(p.lockTtl()));
    m.put("grace", micros(p.disconnectGrace()));
    m.put("warn", micros(p.expiryWarning()));
    m.put("maxLocks", p.maxLocksPerUserPerDocument());
    m.put("maxViewers", p.maxViewers());
    m.put("queue", p.conflict() == Conflict.QUEUE);
    m.put("takeoverTimeout", micros(p.takeover().timeout()));
    m.put("allowDecline", p.takeover().allowDecline());
    m.put("requestInterval", micros(REQUEST_INTERVAL));
    m.put("idleRecord", micros(IDLE_RECORD_TTL));
    m.put("node", nodeId);
    m.put("sharded", sharded);
    return m;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  @Override
  public String toString() {
    return "RedisStore[" + keys.prefix() + ", node " + nodeId + ", " + time + "]";
  }
}
