package dev.baton.server;

import dev.baton.core.audit.AuditingSink;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.ExpirySweeper;
import dev.baton.core.engine.Hub;
import dev.baton.core.engine.Roles;
import dev.baton.core.fencing.FileFencingCounter;
import dev.baton.core.store.Store;
import dev.baton.core.store.memory.MemoryStore;
import dev.baton.core.time.Clock;
import dev.baton.server.audit.AuditFlusher;
import dev.baton.server.audit.AuditLog;
import dev.baton.server.auth.JwtAuthenticator;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.ConfigException;
import dev.baton.server.config.StoreType;
import dev.baton.server.http.DevApi;
import dev.baton.server.http.HttpApi;
import dev.baton.server.http.StaticAssets;
import dev.baton.server.metrics.BatonMetrics;
import dev.baton.server.protocol.Wire;
import dev.baton.server.ws.WebSocketEndpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the audit log, store, hub, engine, metrics, WebSocket endpoint and HTTP
 * routes from a {@link BatonConfig}, listens, sweeps, flushes the audit log, and drains on {@link
 * #stop}. The store publishes to an {@link AuditingSink} in front of the hub, so every transition is
 * written to the audit log before the operation completes (docs/audit.md).
 *
 * <p>{@link #start} and {@link #stop} may be called from any thread, once each.
 */
public final class BatonServer {

  private static final Logger log = LoggerFactory.getLogger(BatonServer.class);
  /** Clients of a draining node reconnect at a random moment within this spread. */
  static final Duration DRAIN_SPREAD = Duration.ofSeconds(5);

  private final BatonConfig config;
  private final Clock clock;
  private final Vertx vertx;
  private final Store store;
  private final Engine engine;
  private final BatonMetrics metrics;
  private final WebSocketEndpoint endpoint;
  private final JwtAuthenticator jwt;
  private final Wire wire = new Wire();
  private final String nodeId = UUID.randomUUID().toString().substring(0, 8);
  private final AuditLog audit;
  private final AuditFlusher auditFlusher;
  private HttpServer http;
  private long sweepTimer = -1;

  /**
   * @throws IllegalArgumentException if the configuration asks for a store this build cannot run
   * @throws ConfigException if the audit file cannot be opened or does not end with a valid record
   */
  public BatonServer(BatonConfig config, Clock clock) {
    if (config.store().type() != StoreType.MEMORY) {
      throw new IllegalArgumentException("store.type " + config.store().type().name().toLowerCase()
          + " is not available in this build: use memory");
    }
    this.config = config;
    this.clock = clock;
    try {
      this.audit = AuditLog.open(config.audit().file(), nodeId, clock, config.audit().maxFileBytes());
    } catch (IOException e) {
      throw new ConfigException("audit.file " + config.audit().file() + " cannot be used: " + e.getMessage(), e);
    }
    this.auditFlusher = new AuditFlusher(audit, config.audit().fsyncInterval());
    this.vertx = Vertx.vertx();
    Hub hub = new Hub();
    this.store = new MemoryStore(clock, config.policies(),
        new FileFencingCounter(config.store().tokenFile(), 10_000, clock.wallMillis() * 1000),
        new AuditingSink(hub, audit));
    this.engine = new Engine(store, config.policies(), hub,
        new Roles(config.auth().adminRole(), config.auth().emergencyRole()), audit);
    this.metrics = new BatonMetrics(store::stats);
    this.jwt = new JwtAuthenticator(config.auth(), clock);
    this.endpoint = new WebSocketEndpoint(vertx, engine, jwt::authenticate, config.server(), metrics, clock,
        wire, nodeId);
  }

  /**
   * Listens on the configured host and port and starts the sweeper and the audit flusher.
   *
   * @return the port actually bound (useful with port 0)
   */
  public Future<Integer> start() {
    Router router = Router.router(vertx);
    router.get("/v1/ws").handler(endpoint::handle);
    new HttpApi(vertx, engine, jwt::authenticate, Set.of(config.auth().serviceRole(), config.auth().adminRole()), wire,
        audit::healthy, metrics::scrape).mount(router);
    if (config.dev()) {
      new DevApi(TokenMinter.forConfig(config.auth(), clock), wire).mount(router);
    }
    new StaticAssets(config.dev()).mount(router);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.server().host())
        .setPort(config.server().port())
        .setMaxWebSocketFrameSize(config.server().maxFrameBytes())
        .setMaxWebSocketMessageSize(config.server().maxFrameBytes())
        .setWebSocketSubProtocols(List.of(WebSocketEndpoint.SUBPROTOCOL));
    auditFlusher.start();
    ExpirySweeper sweeper = new ExpirySweeper(store, e -> log.warn("sweep failed: {}", e.toString()));
    sweepTimer = vertx.setPeriodic(config.store().sweepInterval().toMillis(), id -> sweeper.run());
    return vertx.createHttpServer(options).requestHandler(router).listen().map(server -> {
      http = server;
      if (config.dev()) {
        log.warn("DEV MODE: loopback only, tokens from POST /dev/token, demo at /demo/; never use in production");
      }
      log.info("Baton node {} listening on {}:{} (store: memory)", nodeId, config.server().host(), server.actualPort());
      return server.actualPort();
    });
  }

  /**
   * Drains and stops: every client gets {@code server.draining} and close 1012, the listener stops, then
   * Vert.x; last the audit log is forced to disk and closed. Blocks until done or {@code timeout} has
   * passed. With the memory store, sessions and locks
   * end with the process (see docs/operations.md). Call from a thread that is not a Vert.x event loop
   * (a shutdown hook, a test); it waits for the event loops.
   *
   * @throws IllegalStateException when called from an event-loop thread
   */
  public void stop(Duration timeout) throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("stop() blocks: call it from outside the event loops");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    log.info("Baton node {} draining {} connections", nodeId, endpoint.openConnections());
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    endpoint.drain(DRAIN_SPREAD.toMillis());
    if (http != null) {
      await(http.shutdown(Math.max(1, timeout.toMillis() / 2), TimeUnit.MILLISECONDS), deadline);
    }
    await(vertx.close(), deadline);
    auditFlusher.close();
    audit.close();
    log.info("Baton node {} stopped", nodeId);
  }

  private static void await(Future<?> f, long deadlineNanos) throws InterruptedException {
    try {
      f.toCompletionStage().toCompletableFuture().get(Math.max(0, deadlineNanos - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("stopping: {}", e.toString());
    }
  }

  /** Open WebSocket connections, for tests and metrics. */
  public int openConnections() {
    return endpoint.openConnections();
  }
}
