package dev.baton.server.ws;

import dev.baton.core.engine.Engine;
import dev.baton.core.time.Clock;
import dev.baton.server.auth.VerifiedToken;
import dev.baton.server.config.LimitsConfig;
import dev.baton.server.config.ServerConfig;
import dev.baton.server.metrics.BatonMetrics;
import dev.baton.server.protocol.CommandParser;
import dev.baton.server.protocol.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/ws}: upgrades the request and gives the socket a {@link Connection}. Keeps the set of
 * open connections for draining, and the node-wide connection limit: at most {@code
 * limits.connectionsPerNode} connections (one more upgrade request is answered HTTP 503 with {@code
 * Retry-After}, before any WebSocket exists). Thread-safe.
 */
public final class WebSocketEndpoint {

  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);
  /** The {@code Retry-After} of a refused upgrade, seconds. */
  static final int RETRY_AFTER_SECONDS = 5;

  /** The WebSocket subprotocol of protocol v1. */
  public static final String SUBPROTOCOL = "baton.v1";

  private final Vertx vertx;
  private final Engine engine;
  private final TokenVerifier verifier;
  private final ServerConfig config;
  private final LimitsConfig limits;
  /** Connections admitted (upgrading or open), for {@code limits.connectionsPerNode}. */
  private final AtomicInteger admitted = new AtomicInteger();
  /** Refused upgrades, and when one was last logged (nanoTime), so that a flood logs once a minute. */
  private final AtomicLong refusedUpgrades = new AtomicLong();
  private final AtomicLong lastRefusalLogNanos = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(2));
  private final BatonMetrics metrics;
  private final Clock clock;
  private final Wire wire;
  private final CommandParser parser = new CommandParser();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private final String nodeId;

  /**
   * @param verifier verifies the JWT of {@code hello} and {@code auth.refresh} (called off the event loop)
   * @param limits the abuse limits
   * @param nodeId this node's id, prefixed to connection ids
   */
  public WebSocketEndpoint(Vertx vertx, Engine engine, TokenVerifier verifier, ServerConfig config,
      LimitsConfig limits, BatonMetrics metrics, Clock clock, Wire wire, String nodeId) {
    this.vertx = vertx;
    this.engine = engine;
    this.verifier = verifier;
    this.config = config;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    this.wire = wire;
    this.nodeId = nodeId;
  }

  /** The route handler: upgrades to a WebSocket, or answers 503 when the node is full. */
  public void handle(RoutingContext ctx) {
    if (!admit()) {
      refuseUpgrade(ctx);
      return;
    }
    ctx.request().toWebSocket().onSuccess(this::accept).onFailure(e -> {
      admitted.decrementAndGet();
      if (!ctx.response().ended()) {
        ctx.response().setStatusCode(400).end("WebSocket upgrade failed: " + e.getMessage());
      }
    });
  }

  /** Takes one of the {@code limits.connectionsPerNode} places, if one is free. */
  private boolean admit() {
    while (true) {
      int n = admitted.get();
      if (n >= limits.connectionsPerNode()) {
        return false;
      }
      if (admitted.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void refuseUpgrade(RoutingContext ctx) {
    metrics.limitRejected("connections_per_node");
    long refused = refusedUpgrades.incrementAndGet();
    long now = System.nanoTime();
    long last = lastRefusalLogNanos.get();
    if (now - last > TimeUnit.MINUTES.toNanos(1) && lastRefusalLogNanos.compareAndSet(last, now)) {
      log.warn("node full: {} connections (limits.connectionsPerNode); upgrade requests answered 503"
          + " ({} refused so far)", limits.connectionsPerNode(), refused);
    }
    ctx.response().setStatusCode(503).putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
        .end("this Baton node has limits.connectionsPerNode connections; try again later or another node");
  }

  private void accept(ServerWebSocket ws) {
    Connection c = new Connection(ws, vertx.getOrCreateContext(), nodeId + "-" + ids.incrementAndGet(), this);
    open.add(c);
    metrics.connectionOpened();
    c.start();
  }

  /**
   * Sends {@code server.draining} to every connection, each with its own random reconnect delay below
   * {@code spreadMs} so clients do not all come back at once, then closes them with 1012.
   */
  public void drain(long spreadMs) {
    for (Connection c : open) {
      long delay = ThreadLocalRandom.current().nextLong(Math.max(1, spreadMs));
      c.drain(delay);
    }
  }

  /** Open connections on this node. */
  public int openConnections() {
    return open.size();
  }

  Future<VerifiedToken> verify(String token) {
    return vertx.executeBlocking(() -> verifier.verify(token), false);
  }

  void closed(Connection c) {
    if (open.remove(c)) {
      admitted.decrementAndGet();
      metrics.connectionClosed();
    }
  }

  LimitsConfig limits() {
    return limits;
  }


  Engine engine() {
    return engine;
  }

  Wire wire() {
    return wire;
  }

  CommandParser parser() {
    return parser;
  }

  ServerConfig config() {
    return config;
  }

  BatonMetrics metrics() {
    return metrics;
  }

  Clock clock() {
    return clock;
  }
}
