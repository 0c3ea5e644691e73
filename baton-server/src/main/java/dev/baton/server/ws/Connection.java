package dev.baton.server.ws;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.Fanout;
import dev.baton.core.engine.Subscriber;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.Event;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.Lease;
import dev.baton.core.policy.Policy;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.SessionGrant;
import dev.baton.server.protocol.Command;
import dev.baton.server.protocol.Command.Acquire;
import dev.baton.server.protocol.Command.Bye;
import dev.baton.server.protocol.Command.Cancel;
import dev.baton.server.protocol.Command.Heartbeat;
import dev.baton.server.protocol.Command.Hello;
import dev.baton.server.protocol.Command.Join;
import dev.baton.server.protocol.Command.Leave;
import dev.baton.server.protocol.Command.Ping;
import dev.baton.server.protocol.Command.PresenceSync;
import dev.baton.server.protocol.Command.Refresh;
import dev.baton.server.protocol.Command.Release;
import dev.baton.server.protocol.Command.Request;
import dev.baton.server.protocol.Command.Renew;
import dev.baton.server.protocol.Command.RespondTakeover;
import dev.baton.server.protocol.Command.Takeover;
import dev.baton.server.auth.VerifiedToken;
import dev.baton.server.config.LimitsConfig;
import dev.baton.server.protocol.ProtocolException;
import dev.baton.server.protocol.Wire;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: the handshake, then one handler per command, each translating the frame
 * into one engine call and the result into one reply (centrifuge's {@code Client}, without its size).
 *
 * <p>Owned by the Vert.x context that accepted the socket: every field is read and written on that
 * context's thread. {@link #deliver} is the one entry from other threads; it only hops onto the
 * context.
 */
final class Connection implements Subscriber {

  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  /** First capacity of a streamed reply's buffer: a lease reply with a long resource id fits. */
  private static final int REPLY_BYTES = 256;

  private final ServerWebSocket ws;
  private final Context context;
  private final String connectionId;
  private final WebSocketEndpoint endpoint;
  private final Engine engine;
  private final Wire wire;
  private final LimitsConfig limits;
  private final RateLimiter limiter;
  private final TokenExpiry expiry;
  private OutboundBound outbound;

  private Principal principal;
  private boolean refreshPending;
  /** Security-relevant refusals are logged once per connection. */
  private boolean loggedRateLimit;
  private boolean loggedForeignRefresh;
  private String sessionId;
  private boolean helloPending;
  private boolean closed;
  /** Set when this side sent its close frame: nothing more is sent or handled. */
  private boolean closing;
  private boolean ended;
  private long lastHeardNanos;
  private long helloTimer;
  private long pingTimer;

  Connection(ServerWebSocket ws, Context context, String connectionId, WebSocketEndpoint endpoint) {
    this.ws = ws;
    this.context = context;
    this.connectionId = connectionId;
    this.endpoint = endpoint;
    this.engine = endpoint.engine();
    this.wire = endpoint.wire();
    this.limits = endpoint.limits();
    this.limiter = new RateLimiter(limits.messagesPerSecond(), limits.messageBurst(), limits.rejectionsBeforeClose(),
        TimeUnit.SECONDS.toNanos(LimitsConfig.REJECTION_WINDOW_SECONDS), endpoint.clock().monotonicNanos());
    this.expiry = new TokenExpiry(context.owner(), endpoint.clock(), this::tokenExpiring, this::tokenExpired);
  }

  /** Installs the handlers and timers; called once on the connection's context. */
  void start() {
    lastHeardNanos = endpoint.clock().monotonicNanos();
    outbound = new OutboundBound(ws, limits.outboundQueueBytes());
    ws.frameHandler(new InboundMessages(endpoint.config().maxFrameBytes(), this::onText, () -> {
      heard();
      if (closing) {
        return;
      }
      RateLimiter.Verdict verdict = limiter.onMessage(endpoint.clock().monotonicNanos());
      if (verdict != RateLimiter.Verdict.ALLOW) {
        rateLimited(null, verdict);
        return;
      }
      error(null, ErrorCode.BAD_REQUEST, "binary frames are not accepted: send JSON text frames");
    }, this::refuse));
    ws.pongHandler(b -> heard());
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClosed());
    helloTimer = context.owner().setTimer(endpoint.config().helloTimeout().toMillis(), id -> {
      if (sessionId == null) {
        close(CloseCodes.UNAUTHENTICATED, "no hello within " + endpoint.config().helloTimeout().toSeconds() + " s");
      }
    });
    pingTimer = context.owner().setPeriodic(endpoint.config().pingInterval().toMillis(), id -> ping());
  }

  /**
   * A frame over {@code maxFrameBytes} (Netty's decoder): close 1009; a message over it is {@link
   * InboundMessages}'s. Anything else is the transport's own business, logged at debug.
   */
  private void onException(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      // Netty's frame decoder says which: a frame over the size (1009) or any other breach of RFC
      // 6455 (a continuation without a start, a reserved opcode or bit, an unmasked frame...): 1002.
      if (corrupted.closeStatus().code() == CloseCodes.TOO_BIG) {
        close(CloseCodes.TOO_BIG, "message over " + endpoint.config().maxFrameBytes() + " bytes");
      } else {
        close(CloseCodes.PROTOCOL_ERROR, "WebSocket protocol error");
      }
    } else {
      log.debug("connection {}: {}", connectionId, e.toString());
    }
  }

  /** A message {@link InboundMessages} refused: over {@code maxFrameBytes} (1009) or not UTF-8 (1007). */
  private void refuse(short code) {
    heard();
    close(code, code == CloseCodes.TOO_BIG ? "message over " + endpoint.config().maxFrameBytes() + " bytes"
        : "a text message that is not UTF-8");
  }

  @Override
  public String connectionId() {
    return connectionId;
  }

  @Override
  public void deliver(Event event) {
    deliver(new Fanout(event));
  }

  /** Sends the event's frame for this session, encoded once for every recipient of the same copy. */
  @Override
  public void deliver(Fanout fanout) {
    context.runOnContext(v -> {
      if (closed) {
        return;
      }
      if (fanout.event() instanceof SessionAttached a) {
        if (SessionAttached.LOST.equals(a.connectionId())) {
          ended = true;
          close(CloseCodes.SESSION_LOST, "session lost: reconnect");
        } else if (!a.connectionId().equals(connectionId)) {
          ended = true;
          close(CloseCodes.RESUMED_ELSEWHERE, "session resumed on another connection");
        }
        return;
      }
      Buffer frame = EventFrames.of(fanout, wire, endpoint.clock()).forRecipient(sessionId);
      if (frame != null) {
        send(frame);
      }
    });
  }

  /** Tells the client the node is going away, then closes with 1012. */
  void drain(long reconnectInMs) {
    context.runOnContext(v -> {
      if (!closed) {
        send(wire.message(null, "server.draining", now(), Map.of("reconnectInMs", reconnectInMs)));
        close(CloseCodes.DRAINING, "server draining");
      }
    });
  }

  // ---------------------------------------------------------------- frames

  private void onText(String text) {
    heard();
    if (closing) {
      return;
    }
    RateLimiter.Verdict verdict = limiter.onMessage(endpoint.clock().monotonicNanos());
    Command command;
    try {
      command = endpoint.parser().parse(text);
    } catch (ProtocolException e) {
      if (verdict != RateLimiter.Verdict.ALLOW) {
        rateLimited(e.re(), verdict);
        return;
      }
      error(e.re(), e.code(), e.getMessage());
      if (sessionId == null && !helloPending) {
        close(CloseCodes.UNAUTHENTICATED, "expected a valid hello");
      }
      return;
    }
    if (verdict != RateLimiter.Verdict.ALLOW) {
      rateLimited(command.id(), verdict);
      return;
    }
    if (command instanceof Hello hello) {
      onHello(hello);
    } else if (sessionId == null) {
      if (helloPending) {
        error(command.id(), ErrorCode.BAD_REQUEST, "wait for welcome before sending commands");
      } else {
        error(command.id(), ErrorCode.UNAUTHENTICATED, "the first message must be hello");
        close(CloseCodes.UNAUTHENTICATED, "the first message must be hello");
      }
    } else {
      dispatch(command);
    }
  }

  private void dispatch(Command command) {
    if (command instanceof Join c) {
      onJoin(c);
    } else if (command instanceof Leave c) {
      call(c.id(), "leave", engine.leave(sessionId, c.resource()), (re, v) -> replyResource(re, "left", c.resource()));
    } else if (command instanceof Acquire c) {
      call(c.id(), "acquire", engine.acquire(principal, sessionId, c.resource(), c.takeOwn(), c.waitInQueue()),
          this::replyAcquired);
    } else if (command instanceof Cancel c) {
      call(c.id(), "cancel", engine.cancel(sessionId, c.resource()),
          (re, v) -> replyResource(re, "lock.cancelled", c.resource()));
    } else if (command instanceof Request c) {
      call(c.id(), "request", engine.request(principal, sessionId, c.resource(), c.message()),
          (re, v) -> replyResource(re, "lock.request.sent", c.resource()));
    } else if (command instanceof Takeover c) {
      call(c.id(), "takeover", engine.takeover(principal, sessionId, c.resource(), c.reason(), c.force()),
          this::replyAcquired);
    } else if (command instanceof RespondTakeover c) {
      call(c.id(), "takeover.respond", engine.respondTakeover(sessionId, c.resource(), c.accept()),
          (re, v) -> reply(re, "takeover.responded", Map.of("resource", c.resource(), "accept", c.accept())));
    } else if (command instanceof Release c) {
      call(c.id(), "release", engine.release(sessionId, c.resource()),
          (re, v) -> replyResource(re, "lock.released", c.resource()));
    } else if (command instanceof Renew c) {
      call(c.id(), "renew", engine.renew(sessionId, c.resource(), c.token()),
          (re, lease) -> replyLease(re, "lock.renewed", lease, false));
    } else if (command instanceof Heartbeat c) {
      call(c.id(), "heartbeat", engine.heartbeat(sessionId),
          (re, leases) -> reply(re, "heartbeat.ack", Map.of("locks", leases.stream().map(Wire::lease).toList())));
    } else if (command instanceof PresenceSync c) {
      call(c.id(), "sync", engine.sync(sessionId, c.resource()), (re, state) -> {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("resource", state.resource());
        f.put("version", state.presence().version());
        f.put("members", state.presence().members());
        reply(re, "presence", f);
      });
    } else if (command instanceof Refresh c) {
      onRefresh(c);
    } else if (command instanceof Ping c) {
      reply(c.id(), "pong", Map.of());
    } else if (command instanceof Bye c) {
      onBye(c);
    } else {
      error(command.id(), ErrorCode.BAD_REQUEST, "already said hello");
    }
  }

  private void onHello(Hello hello) {
    if (sessionId != null || helloPending) {
      error(hello.id(), ErrorCode.BAD_REQUEST, "already said hello");
      return;
    }
    helloPending = true;
    endpoint.verify(hello.token()).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        helloPending = false;
        error(hello.id(), ErrorCode.UNAUTHENTICATED, ar.cause().getMessage());
        close(CloseCodes.UNAUTHENTICATED, "unauthenticated");
        return;
      }
      principal = ar.result().principal();
      expiry.arm(ar.result().expiresAtMs());
      onContext(engine.hello(principal, hello.resume(), this, limits.sessionsPerUser()), (grant, e) -> {
        helloPending = false;
        if (e instanceof BatonException b && b.code() == ErrorCode.RATE_LIMITED) {
          tooManySessions(hello.id(), b);
          return;
        }
        if (e != null) {
          fail(hello.id(), "hello", e);
          close(CloseCodes.INTERNAL, "cannot open a session");
          return;
        }
        sessionId = grant.sessionId();
        context.owner().cancelTimer(helloTimer);
        if (closed) {
          engine.disconnected(sessionId, connectionId);
          return;
        }
        reply(hello.id(), "welcome", welcome(grant));
      });
    });
  }

  private Map<String, Object> welcome(SessionGrant grant) {
    Policy defaults = engine.policies().defaultPolicy();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sessionId", grant.sessionId());
    f.put("resumeToken", grant.resumeToken());
    f.put("user", user());
    f.put("resumed", grant.resumed());
    f.put("heartbeatMs", engine.policies().shortestHeartbeat().toMillis());
    f.put("lockTtlMs", defaults.lockTtl().toMillis());
    f.put("graceMs", defaults.disconnectGrace().toMillis());
    f.put("resources", grant.resources().stream().map(Wire::resourceState).toList());
    return f;
  }

  private Map<String, Object> user() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("id", principal.userId());
    user.put("name", principal.name());
    user.put("roles", principal.roles().stream().sorted().toList());
    return user;
  }

  /** {@code limits.sessionsPerUser}: the store refused a new session, the user already has that many. */
  private void tooManySessions(String re, BatonException refusal) {
    endpoint.metrics().limitRejected("sessions_per_user");
    log.warn("connection {}: user {} already has {} sessions (limits.sessionsPerUser); hello refused, closing"
        + " with 4008", connectionId, principal.userId(), limits.sessionsPerUser());
    send(wire.error(re, refusal, now()));
    close(CloseCodes.RATE_LIMITED, "too many sessions for this user");
  }

  /**
   * {@code auth.refresh}: verifies the new JWT as at {@code hello}; when it is valid and for the same
   * user, it becomes the connection's principal (its roles and resources apply to later commands) and
   * its expiry replaces the old one. Otherwise nothing changes and the old token's expiry stands.
   */
  private void onRefresh(Refresh c) {
    if (refreshPending) {
      error(c.id(), ErrorCode.BAD_REQUEST, "an auth.refresh is already under way");
      return;
    }
    refreshPending = true;
    endpoint.verify(c.token()).onComplete(ar -> {
      refreshPending = false;
      if (closed || closing) {
        return;
      }
      if (ar.failed()) {
        endpoint.metrics().tokenRefresh(ErrorCode.UNAUTHENTICATED.name());
        error(c.id(), ErrorCode.UNAUTHENTICATED, ar.cause().getMessage());
        return;
      }
      VerifiedToken token = ar.result();
      if (token.expiresAtMs() <= now()) {
        // The verifier tolerates clock skew past exp (as at hello); a refresh must extend, never
        // swap a live identity for a dead one.
        endpoint.metrics().tokenRefresh(ErrorCode.UNAUTHENTICATED.name());
        error(c.id(), ErrorCode.UNAUTHENTICATED, "the token has expired; the current token's expiry stands");
        return;
      }
      if (!token.principal().userId().equals(principal.userId())) {
        endpoint.metrics().tokenRefresh(ErrorCode.FORBIDDEN.name());
        if (!loggedForeignRefresh) {
          loggedForeignRefresh = true;
          log.warn("connection {}: auth.refresh of user {} presented a token of another user; refused",
              connectionId, principal.userId());
        }
        error(c.id(), ErrorCode.FORBIDDEN, "the token is for another user: a connection keeps its user");
        return;
      }
      principal = token.principal();
      long closeAtMs = expiry.arm(token.expiresAtMs());
      endpoint.metrics().tokenRefresh("ok");
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("expiresAt", closeAtMs);
      f.put("remainingMs", Math.max(0, closeAtMs - now()));
      f.put("user", user());
      reply(c.id(), "auth.refreshed", f);
    });
  }

  /** {@code auth.expiring}: the token runs out at {@code closeAtMs} unless refreshed. */
  private void tokenExpiring(long closeAtMs) {
    if (!closed) {
      send(wire.message(null, "auth.expiring", now(),
          Map.of("expiresAt", closeAtMs, "remainingMs", Math.max(0, closeAtMs - now()))));
    }
  }

  /** The token expired without a refresh: close 4001; the session enters its grace as after a drop. */
  private void tokenExpired(long closeAtMs) {
    if (!closed && !closing) {
      endpoint.metrics().tokenExpired();
      log.info("connection {}: token expired without auth.refresh, closing with 4001", connectionId);
      close(CloseCodes.UNAUTHENTICATED, "token expired");
    }
  }

  /** A message over {@code limits.messagesPerSecond}: refused; the connection closes when it keeps going. */
  private void rateLimited(String re, RateLimiter.Verdict verdict) {
    endpoint.metrics().limitRejected("messages");
    send(wire.error(re, ErrorCode.RATE_LIMITED, "more than " + limits.messagesPerSecond()
        + " messages per second: slow down", now(),
        Map.of("scope", "messagesPerSecond", "limit", limits.messagesPerSecond(),
            "retryAfterMs", limiter.retryAfterMs())));
    if (verdict == RateLimiter.Verdict.CLOSE) {
      endpoint.metrics().limitRejected("messages_close");
      log.warn("{}: {} messages refused within {} s (limits.messagesPerSecond {}), closing with 4008", this,
          limits.rejectionsBeforeClose(), LimitsConfig.REJECTION_WINDOW_SECONDS, limits.messagesPerSecond());
      close(CloseCodes.RATE_LIMITED, "rate limit exceeded");
    } else if (!loggedRateLimit) {
      loggedRateLimit = true;
      log.info("{}: over limits.messagesPerSecond {}; refusing messages with RATE_LIMITED", this,
          limits.messagesPerSecond());
    }
  }

  /**
   * The client stopped reading and its outbound queue passed {@code limits.outboundQueueBytes}: close
   * 4010 at once (the close frame waits behind the queue; Vert.x cuts the TCP connection after its
   * closing timeout) and detach the session now, so that it enters grace like a dropped connection.
   */
  private void slowReader() {
    endpoint.metrics().limitRejected("outbound_queue");
    log.info("{}: outbound queue over limits.outboundQueueBytes {} (the client stopped reading), closing with 4010",
        this, limits.outboundQueueBytes());
    close(CloseCodes.SLOW_READER, "too slow: reconnect and resync");
    onClosed();
  }

  private void onJoin(Join c) {
    call(c.id(), "join", engine.join(principal, sessionId, c.resource(), c.mode()), (re, joined) -> {
      reply(re, "joined", joinedFields(joined, engine.policy(c.resource())));
    });
  }

  private static Map<String, Object> joinedFields(JoinResult joined, Policy policy) {
    Map<String, Object> f = Wire.resourceState(joined.state());
    if (joined.downgraded()) {
      f.put("downgraded", true);
      f.put("reason", joined.reason().name());
      f.put("message", joined.message());
      if (joined.lockResource() != null) {
        f.put("lockResource", joined.lockResource());
      }
    }
    f.put("policy", Wire.policy(policy));
    return f;
  }

  private void onBye(Bye c) {
    ended = true;
    onContext(engine.bye(sessionId, connectionId), (v, e) -> close(CloseCodes.NORMAL, "bye"));
  }

  /** {@code lock.granted}, {@code lock.queued} or {@code takeover.pending}, by outcome. */
  private void replyAcquired(String re, AcquireResult result) {
    if (result instanceof AcquireResult.Granted g) {
      replyLease(re, "lock.granted", g.lease(), true);
    } else if (result instanceof AcquireResult.Queued q) {
      reply(re, "lock.queued", Map.of("resource", q.resource(), "position", q.position()));
    } else {
      AcquireResult.TakeoverPending p = (AcquireResult.TakeoverPending) result;
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("resource", p.resource());
      f.put("deadline", p.deadline());
      f.put("remainingMs", p.remainingMs());
      reply(re, "takeover.pending", f);
    }
  }

  /** A reply with a lease, streamed into the frame's buffer (no maps; {@link Wire#leaseMessage}). */
  private void replyLease(String re, String type, Lease lease, boolean withToken) {
    BufferOutput out = new BufferOutput(REPLY_BYTES);
    wire.leaseMessage(out, re, type, now(), lease, withToken);
    send(out.buffer());
  }

  /** A reply naming only its resource, streamed like {@link #replyLease}. */
  private void replyResource(String re, String type, ResourceId resource) {
    BufferOutput out = new BufferOutput(REPLY_BYTES);
    wire.resourceMessage(out, re, type, now(), resource);
    send(out.buffer());
  }

  // ---------------------------------------------------------------- plumbing

  /** Runs {@code onDone} on this connection's context when the engine answers, counting the result. */
  private <T> void call(String re, String operation, CompletionStage<T> stage, BiConsumer<String, T> onDone) {
    long start = endpoint.clock().monotonicNanos();
    onContext(stage, (value, e) -> {
      long nanos = endpoint.clock().monotonicNanos() - start;
      if (e != null) {
        endpoint.metrics().operation(operation, resultOf(e), nanos);
        fail(re, operation, e);
      } else {
        endpoint.metrics().operation(operation, "ok", nanos);
        onDone.accept(re, value);
      }
    });
  }

  private <T> void onContext(CompletionStage<T> stage, BiConsumer<T, Throwable> handler) {
    stage.whenComplete((value, e) -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (context == Vertx.currentContext()) {
        handler.accept(value, cause);
      } else {
        context.runOnContext(v -> handler.accept(value, cause));
      }
    });
  }

  private static String resultOf(Throwable e) {
    return e instanceof BatonException b ? b.code().name() : ErrorCode.INTERNAL.name();
  }

  private void fail(String re, String operation, Throwable e) {
    if (e instanceof BatonException b) {
      send(wire.error(re, b, now()));
    } else {
      log.error("{} failed on connection {}", operation, connectionId, e);
      error(re, ErrorCode.INTERNAL, "internal error");
    }
  }

  private void reply(String re, String type, Map<String, ?> fields) {
    BufferOutput out = new BufferOutput(REPLY_BYTES);
    wire.writeMessage(out, re, type, now(), fields);
    send(out.buffer());
  }

  private void error(String re, ErrorCode code, String message) {
    send(wire.error(re, code, message, now(), Map.of()));
  }

  private void send(String text) {
    if (mayWrite()) {
      ws.writeTextMessage(text);
    }
  }

  /** Sends a text message already encoded (shared with other connections: not modified). */
  private void send(Buffer utf8) {
    if (mayWrite()) {
      TextFrames.write(ws, utf8, endpoint.config().maxFrameBytes());
    }
  }

  /**
   * Whether a message may be written now: not after a close, and not to a slow reader, whose
   * connection this closes (4010) instead. Both send paths pass here, so no event bypasses the bound.
   */
  private boolean mayWrite() {
    if (closed || closing) {
      return false;
    }
    if (outbound.exceeded()) {
      slowReader();
      return false;
    }
    return true;
  }

  private void close(short code, String reason) {
    if (!closed && !closing) {
      closing = true;
      context.owner().cancelTimer(pingTimer);
      context.owner().cancelTimer(helloTimer);
      expiry.cancel();
      ws.close(code, reason);
    }
  }

  private void heard() {
    lastHeardNanos = endpoint.clock().monotonicNanos();
  }

  /**
   * Sends a WebSocket ping and checks, {@code pingTimeout} later, that something (a pong, any frame)
   * arrived since: a peer that stays silent is dropped within pingInterval + pingTimeout of its last
   * frame, and its session enters grace. Closing a half-open TCP connection gets no answer, so the
   * session is detached at once rather than on the close handshake.
   */
  private void ping() {
    if (closed) {
      return;
    }
    long sentNanos = endpoint.clock().monotonicNanos();
    ws.writePing(Buffer.buffer());
    context.owner().setTimer(endpoint.config().pingTimeout().toMillis(), id -> {
      if (!closed && lastHeardNanos - sentNanos < 0) {
        close(CloseCodes.GOING_AWAY, "ping timeout");
        onClosed();
      }
    });
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    context.owner().cancelTimer(helloTimer);
    context.owner().cancelTimer(pingTimer);
    expiry.cancel();
    endpoint.closed(this);
    if (sessionId != null && !ended) {
      engine.disconnected(sessionId, connectionId);
    } else if (sessionId == null) {
      engine.abandoned(connectionId);
    }
  }

  private long now() {
    return endpoint.clock().wallMillis();
  }

  /** For logs. */
  @Override
  public String toString() {
    return "Connection[" + connectionId + (sessionId == null ? "" : ", session " + sessionId) + "]";
  }
}
