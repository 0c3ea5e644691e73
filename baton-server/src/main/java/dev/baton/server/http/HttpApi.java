package dev.baton.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.Engine;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.Member;
import dev.baton.core.model.ResourceState;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.Verification;
import dev.baton.server.protocol.CommandParser;
import dev.baton.server.protocol.StrictJson;
import dev.baton.server.protocol.Wire;
import dev.baton.server.ws.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of SPEC section 4 for services and operators: resource and document state, the save
 * guard {@code POST /v1/locks/verify}, a user's locks, health and metrics. {@code /v1/*} needs a bearer
 * JWT with the service or admin role; health and metrics are open (scrapers and probes carry no
 * tokens). Handlers never block. Thread-safe.
 */
public final class HttpApi {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  /** Largest accepted request body, in bytes. */
  static final long MAX_BODY_BYTES = 16 * 1024;

  private final Vertx vertx;
  private final Engine engine;
  private final Authenticator authenticator;
  private final Set<String> serviceRoles;
  private final Wire wire;
  private final BooleanSupplier ready;
  private final Supplier<String> metrics;

  /**
   * @param serviceRoles roles allowed on {@code /v1/*} (the service and admin roles)
   * @param ready whether the store is reachable, for {@code /health/ready}
   * @param metrics the Prometheus text, for {@code /metrics}
   */
  public HttpApi(Vertx vertx, Engine engine, Authenticator authenticator, Set<String> serviceRoles,
      Wire wire, BooleanSupplier ready, Supplier<String> metrics) {
    this.vertx = vertx;
    this.engine = engine;
    this.authenticator = authenticator;
    this.serviceRoles = Set.copyOf(serviceRoles);
    this.wire = wire;
    this.ready = ready;
    this.metrics = metrics;
  }

  /**
   * Adds the routes to {@code router}, a JSON answer for bodies over {@link #MAX_BODY_BYTES}, and a JSON
   * {@code BAD_REQUEST} for any 400 the framework raises (a path with a bad percent escape, say).
   */
  public void mount(Router router) {
    router.errorHandler(413, ctx -> json(ctx, 413, errorBody(new BatonException(ErrorCode.BAD_REQUEST,
        "the body is larger than " + MAX_BODY_BYTES + " bytes"))));
    router.errorHandler(400, this::malformed);
    router.get("/health/live").handler(ctx -> json(ctx, 200, Map.of("status", "up")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.get()));
    // The body is read before the token is checked: the check is asynchronous, and a body not yet
    // read by then is lost.
    router.route("/v1/*").handler(HttpApi::contentTypeIgnored);
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/v1/*").handler(this::authorize);
    router.get("/v1/resources/:resource").handler(this::getResource);
    router.get("/v1/documents/:document").handler(this::getDocument);
    router.post("/v1/locks/verify").handler(this::verify);
    router.get("/v1/users/:userId/locks").handler(this::userLocks);
    router.delete("/v1/locks/:resource").handler(this::forceRelease);
  }

  /**
   * Every {@code /v1/*} and {@code /dev/token} body is JSON whatever its content type
   * (docs/http-api.md). The {@code content-type} header is dropped before the {@link BodyHandler}, which would otherwise decode a form
   * or multipart body as form fields: a JSON body sent by {@code curl -d} (form-encoded) would fail on
   * its first long "field" or its first {@code %}, with a stack trace in the log.
   */
  static void contentTypeIgnored(RoutingContext ctx) {
    ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
    ctx.next();
  }

  /** A 400 the framework raised (not one of ours, which are answered where they arise); one DEBUG line. */
  private void malformed(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    log.debug("{} {}: 400 {}", ctx.request().method(), ctx.request().uri(),
        cause == null ? "bad request" : cause.toString());
    json(ctx, 400, errorBody(new BatonException(ErrorCode.BAD_REQUEST, "malformed request")));
  }

  private void ready(RoutingContext ctx) {
    boolean up = ready.getAsBoolean();
    json(ctx, up ? 200 : 503, Map.of("status", up ? "ready" : "unavailable"));
  }

  /** Checks the bearer token and role; the caller goes to the next handler as {@code principal}. */
  private void authorize(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      error(ctx, new BatonException(ErrorCode.UNAUTHENTICATED, "send Authorization: Bearer <JWT>"));
      return;
    }
    String token = header.substring(7).trim();
    vertx.executeBlocking(() -> authenticator.authenticate(token), false).onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, new BatonException(ErrorCode.UNAUTHENTICATED, ar.cause().getMessage()));
        return;
      }
      Principal p = ar.result();
      if (serviceRoles.stream().noneMatch(p::hasRole)) {
        error(ctx, new BatonException(ErrorCode.FORBIDDEN, "the service or admin role is required"));
        return;
      }
      ctx.put("principal", p);
      ctx.next();
    });
  }

  private void getResource(RoutingContext ctx) {
    ResourceId id = resource(ctx, ctx.pathParam("resource"));
    if (id != null) {
      respond(ctx, engine.state(id), state -> state(state));
    }
  }

  private void getDocument(RoutingContext ctx) {
    String raw = ctx.pathParam("document");
    ResourceId probe = resource(ctx, raw);
    if (probe == null) {
      return;
    }
    if (raw.split(":", -1).length != 2) {
      error(ctx, new BatonException(ErrorCode.INVALID_RESOURCE, "a document id is type:id"));
      return;
    }
    respond(ctx, engine.document(probe.type(), probe.id()), states -> {
      Map<String, Object> body = new LinkedHashMap<>();
      Map<String, Member> union = new LinkedHashMap<>();
      for (ResourceState child : states) {
        child.presence().members().forEach(m -> union.putIfAbsent(m.sessionId(), m));
      }
      body.put("document", probe.document());
      body.put("children", states.stream().map(HttpApi::state).toList());
      body.put("presence", Map.of("members", List.copyOf(union.values())));
      return body;
    });
  }

  private void verify(RoutingContext ctx) {
    JsonNode body;
    try {
      body = StrictJson.read(ctx.body().asString());
    } catch (Exception e) {
      error(ctx, new BatonException(ErrorCode.BAD_REQUEST, "the body must be JSON"));
      return;
    }
    if (body == null || !body.isObject() || !body.path("resource").isTextual()
        || !body.path("token").isIntegralNumber() || !body.path("token").canConvertToLong()) {
      error(ctx, new BatonException(ErrorCode.BAD_REQUEST,
          "the body must be {\"resource\": string, \"token\": integer}"));
      return;
    }
    ResourceId id = resource(ctx, body.get("resource").textValue());
    if (id == null) {
      return;
    }
    engine.verify(id, body.get("token").longValue()).whenComplete((v, e) -> {
      if (e != null) {
        error(ctx, unwrap(e));
      } else {
        json(ctx, v.valid() ? 200 : 409, verification(id, v));
      }
    });
  }

  /**
   * {@code DELETE /v1/locks/{resource}} with {@code {"reason": "..."}} (or {@code ?reason=}): admin force
   * release. A reason over {@link CommandParser#MAX_TEXT_LENGTH} characters is refused ({@code BAD_REQUEST}).
   */
  private void forceRelease(RoutingContext ctx) {
    ResourceId id = resource(ctx, ctx.pathParam("resource"));
    if (id == null) {
      return;
    }
    String reason = ctx.queryParams().get("reason");
    String body = ctx.body().asString();
    if (body != null && !body.isBlank()) {
      try {
        JsonNode node = StrictJson.read(body);
        if (node != null && node.path("reason").isTextual()) {
          reason = node.get("reason").textValue();
        }
      } catch (Exception e) {
        error(ctx, new BatonException(ErrorCode.BAD_REQUEST, "the body must be {\"reason\": string}"));
        return;
      }
    }
    if (reason != null && reason.length() > CommandParser.MAX_TEXT_LENGTH) {
      // the cap of lock.takeover's reason: both end up in lock.revoked and the audit line
      error(ctx, new BatonException(ErrorCode.BAD_REQUEST,
          "reason is longer than " + CommandParser.MAX_TEXT_LENGTH + " characters"));
      return;
    }
    respond(ctx, engine.forceRelease(ctx.get("principal"), id, reason), v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("resource", id);
      m.put("released", true);
      return m;
    });
  }

  private void userLocks(RoutingContext ctx) {
    String userId = ctx.pathParam("userId");
    respond(ctx, engine.locksOf(userId), locks -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("userId", userId);
      body.put("locks", locks.stream().map(l -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resource", l.resource());
        m.put("lock", l.lock());
        return m;
      }).toList());
      return body;
    });
  }

  private static Map<String, Object> state(ResourceState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("resource", s.resource());
    m.put("lock", s.lock());
    m.put("presence", s.presence());
    return m;
  }

  private static Map<String, Object> verification(ResourceId id, Verification v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("valid", v.valid());
    m.put("resource", id);
    if (v.valid()) {
      m.put("holder", v.holder());
      m.put("expiresAt", v.lock().expiresAt());
      m.put("remainingMs", v.lock().remainingMs());
    } else {
      m.put("reason", v.reason());
      m.put("lock", v.lock());
    }
    return m;
  }

  private ResourceId resource(RoutingContext ctx, String raw) {
    try {
      return ResourceId.parse(raw);
    } catch (BatonException e) {
      error(ctx, e);
      return null;
    }
  }

  private <T> void respond(RoutingContext ctx, CompletionStage<T> stage, Function<T, Object> body) {
    stage.whenComplete((v, e) -> {
      if (e != null) {
        error(ctx, unwrap(e));
      } else {
        json(ctx, 200, body.apply(v));
      }
    });
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private void error(RoutingContext ctx, Throwable e) {
    if (!(e instanceof BatonException b)) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
      error(ctx, new BatonException(ErrorCode.INTERNAL, "internal error"));
      return;
    }
    json(ctx, status(b.code()), errorBody(b));
  }

  /** The JSON error shape of every HTTP answer: {@code {code, message, retryable, ...details}}. */
  static Map<String, Object> errorBody(BatonException b) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", b.code().name());
    body.put("message", b.getMessage());
    body.put("retryable", b.code().retryable());
    body.putAll(b.details());
    return body;
  }

  static int status(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST, INVALID_RESOURCE -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_JOINED, LOCK_HELD, LOCK_LIMIT, VIEWER_LIMIT, JOIN_LIMIT, NOT_HOLDER, LOCK_LOST,
          TAKEOVER_PENDING -> 409;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  private void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(wire.write(body));
  }
}
