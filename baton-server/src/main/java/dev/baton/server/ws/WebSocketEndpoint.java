package dev.baton.server.ws;

import dev.baton.core.engine.Engine;
import dev.baton.core.identity.Principal;
import dev.baton.core.time.Clock;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /v1/ws}: upgrades the request and gives the socket a {@link Connection}. Keeps the set of
 * open connections for draining. Thread-safe.
 */
public final class WebSocketEndpoint {

  /** The WebSocket subprotocol of protocol v1. */
  public static final String SUBPROTOCOL = "baton.v1";

  private final Vertx vertx;
  private final Engine engine;
  private final Authenticator authenticator;
  private final ServerConfig config;
  private final BatonMetrics metrics;
  private final Clock clock;
  private final Wire wire;
  private final CommandParser parser = new CommandParser();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private final String nodeId;

  /**
   * @param nodeId this node's id, prefixed to connection ids
   */
  public WebSocketEndpoint(Vertx vertx, Engine engine, Authenticator authenticator, ServerConfig config,
      BatonMetrics metrics, Clock clock, Wire wire, String nodeId) {
    this.vertx = vertx;
    this.engine = engine;
    this.authenticator = authenticator;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.wire = wire;
    this.nodeId = nodeId;
  }

  /** The route handler: upgrades to a WebSocket. */
  public void handle(RoutingContext ctx) {
    ctx.request().toWebSocket().onSuccess(this::accept).onFailure(e -> {
      if (!ctx.response().ended()) {
        ctx.response().setStatusCode(400).end("WebSocket upgrade failed: " + e.getMessage());
      }
    });
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

  Future<Principal> authenticate(String token) {
    return vertx.executeBlocking(() -> authenticator.authenticate(token), false);
  }

  void closed(Connection c) {
    if (open.remove(c)) {
      metrics.connectionClosed();
    }
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
