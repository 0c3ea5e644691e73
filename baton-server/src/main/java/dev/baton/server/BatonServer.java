package dev.baton.server;

import dev.baton.core.audit.AuditingSink;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.ExpirySweeper;
import dev.baton.core.engine.Hub;
import dev.baton.core.engine.Roles;
import dev.baton.core.fencing.FileFencingCounter;
import dev.baton.core.store.Store;
import dev.baton.core.policy.Durations;
import dev.baton.core.store.memory.MemoryStore;
import dev.baton.core.time.Clock;
import dev.baton.redis.NodeListener;
import dev.baton.redis.RedisEventRelay;
import dev.baton.redis.RedisKeys;
import dev.baton.redis.RedisStore;
import dev.baton.redis.RedisTime;
import dev.baton.redis.SingleConnectionLink;
import dev.baton.server.audit.AuditFlusher;
import dev.baton.server.audit.AuditLog;
import dev.baton.server.auth.JwtAuthenticator;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.ConfigException;
import dev.baton.server.config.StoreType;
import dev.baton.server.http.DevApi;
import dev.baton.server.http.HttpApi;
import dev.baton.server.http.InvalidRequests;
import dev.baton.server.http.StaticAssets;
import dev.baton.server.metrics.BatonMetrics;
import dev.baton.server.protocol.Wire;
import dev.baton.server.ws.WebSocketEndpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
 * <p>With {@code store.type: redis} the store is a {@link RedisStore} on one pipelined connection
 * ({@link SingleConnectionLink}), and its events reach the hub through a {@link RedisEventRelay},
 * which merges them, document by document, with the events of the other nodes sharing the Redis: only
 * this node's own events pass through the auditing sink (each node records what it committed). The
 * sweep (every {@code store.sweepInterval}) is also this node's heartbeat; {@code /health/ready} is
 * 503 while Redis does not answer the sweep or the relay's subscription is down.
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
  /** How long a Redis command may wait for its reply before the store answers UNAVAILABLE. */
  static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);
  private final Hub hub;
  private final AuditLog audit;
  private final AuditFlusher auditFlusher;
  /** The Redis parts, or null on the memory store. */
  private final SingleConnectionLink redisLink;
  private final RedisEventRelay relay;
  private final RedisStore redisStore;
  private HttpServer http;
  private long sweepTimer = -1;
  /** Sweeps failed in a row, and when a failure was last logged (only touched on the sweep's threads). */
  private volatile long failedSweeps;
  private volatile long lastFailureLogNanos;

  /**
   * @throws IllegalArgumentException if the configuration asks for a store this build cannot run
   * @throws ConfigException if the audit file cannot be opened or does not end with a valid record
   */
  public BatonServer(BatonConfig config, Clock clock) {
    RedisOptions redisOptions = config.store().type() == StoreType.REDIS ? RedisUris.options(config.redis().uri()) : null;
    this.config = config;
    this.clock = clock;
    try {
      this.audit = AuditLog.open(config.audit().file(), nodeId, clock, config.audit().maxFileBytes());
    } catch (IOException e) {
      throw new ConfigException("audit.file " + config.audit().file() + " cannot be used: " + e.getMessage(), e);
    }
    this.auditFlusher = new AuditFlusher(audit, config.audit().fsyncInterval());
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops()));
    if (redisOptions == null) {
      Hub hub = new Hub();
      this.hub = hub;
      this.store = new MemoryStore(clock, config.policies(),
          new FileFencingCounter(config.store().tokenFile(), 10_000, clock.wallMillis() * 1000),
          new AuditingSink(hub, audit));
      this.redisLink = null;
      this.relay = null;
      this.redisStore = null;
    } else {
      Hub hub = new Hub(this::localMembersChanged);
      this.hub = hub;
      AuditingSink auditing = new AuditingSink(hub, audit);
      RedisKeys keys = RedisUris.cluster(redisOptions) ? RedisKeys.cluster(config.redis().keyPrefix())
          : new RedisKeys(config.redis().keyPrefix());
      this.redisLink = SingleConnectionLink.create(vertx, redisOptions, REDIS_COMMAND_TIMEOUT);
      this.relay = new RedisEventRelay(vertx, redisOptions, redisLink, keys, nodeId, hub, auditing, auditing::observe);
      this.redisStore = new RedisStore(redisLink, keys, config.policies(), relay, RedisTime.server(), nodeId,
          config.redis().nodeTimeout(), new Liveness());
      this.store = redisStore;
    }
    this.engine = new Engine(store, config.policies(), hub,
        new Roles(config.auth().adminRole(), config.auth().emergencyRole()), audit);
    this.metrics = new BatonMetrics(store::stats);
    this.jwt = new JwtAuthenticator(config.auth(), clock);
    this.endpoint = new WebSocketEndpoint(vertx, engine, jwt::verify, config.server(), config.limits(), metrics, clock,
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
        this::ready, metrics::scrape).mount(router);
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
    config.server().tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString())));
    auditFlusher.start();
    ExpirySweeper sweeper = new ExpirySweeper(store, this::sweepFailed);
    Future<Void> first = Future.succeededFuture();
    if (relay != null) {
      relay.start(redisStore);
      // The first heartbeat before the first client: a node is known before it has sessions.
      first = Future.fromCompletionStage(store.sweep()).recover(e -> {
        log.warn("Redis ({}) does not answer yet: {}; not ready until it does", redisLink, e.toString());
        return Future.succeededFuture();
      });
    }
    return first.compose(v -> {
      sweepTimer = vertx.setPeriodic(config.store().sweepInterval().toMillis(), id -> {
        if (failedSweeps > 0 && redisStore != null && redisStore.reachable()) {
          log.info("Redis answers again after {} failed sweeps", failedSweeps);
          failedSweeps = 0;
        }
        sweeper.run();
      });
      return vertx.createHttpServer(options)
          .invalidRequestHandler(new InvalidRequests(wire, options.getMaxInitialLineLength(), options.getMaxHeaderSize()))
          .requestHandler(router).listen();
    }).map(server -> {
      http = server;
      if (config.dev()) {
        log.warn("DEV MODE: loopback only, tokens from POST /dev/token, demo at /demo/; never use in production");
      }
      log.info("Baton node {} listening on {}:{} (store: {}){}", nodeId, config.server().host(), server.actualPort(),
          redisLink == null ? "memory" : "redis " + redisLink + ", key prefix " + config.redis().keyPrefix(),
          config.server().tls().isPresent() ? " with TLS" : "");
      return server.actualPort();
    });
  }

  /**
   * Drains and stops: every client gets {@code server.draining} and close 1012, the listener stops, then
   * (Redis) the node's remaining sessions go away and the node deregisters, then Vert.x; last the audit
   * log is forced to disk and closed. Blocks until done or {@code timeout} has passed. With the memory
   * store, sessions and locks end with the process; with Redis they wait out their grace for a resume
   * on another node (see docs/operations.md). Call from a thread that is not a Vert.x event loop
   * (a shutdown hook, a test); it waits for the event loops.
   *
   * @throws IllegalStateException when called from an event-loop thread
   */
  public void stop(Duration timeout) throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("stop() blocks: call it from outside the event loops");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // A node that never listened (its port was taken) stops without a word: the CLI said why.
    boolean listened = http != null;
    if (listened) {
      log.info("Baton node {} draining {} connections", nodeId, endpoint.openConnections());
    }
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    endpoint.drain(DRAIN_SPREAD.toMillis());
    if (http != null) {
      await(http.shutdown(Math.max(1, timeout.toMillis() / 2), TimeUnit.MILLISECONDS), deadline);
    }
    if (redisStore != null) {
      // Sessions whose disconnect is still on its way, or never got through, go away now rather than
      // after the node timeout; then the node leaves the heartbeat set.
      await(Future.fromCompletionStage(redisStore.deregister()), deadline);
      relay.close();
      redisLink.close();
    }
    await(vertx.close(), deadline);
    auditFlusher.close();
    audit.close();
    if (listened) {
      log.info("Baton node {} stopped", nodeId);
    }
  }

  private static void await(Future<?> f, long deadlineNanos) throws InterruptedException {
    try {
      f.toCompletionStage().toCompletableFuture().get(Math.max(0, deadlineNanos - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("stopping: {}", e.toString());
    }
  }

  /**
   * Stops like a crashed process, for tests of node failure: the Redis connections are cut first (so
   * nothing more of this node reaches Redis: no disconnect, no heartbeat), then everything closes at
   * once, without draining. The other nodes must find out by themselves (the node timeout).
   *
   * @throws IllegalStateException when called from an event-loop thread
   */
  public void halt(Duration timeout) throws InterruptedException {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("halt() blocks: call it from outside the event loops");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    log.warn("Baton node {} halting (simulated crash)", nodeId);
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (redisLink != null) {
      relay.close();
      redisLink.close();
      CompletableFuture<Void> cut = new CompletableFuture<>();
      redisLink.execute(() -> cut.complete(null)); // after the close: later commands fail
      await(Future.fromCompletionStage(cut), deadline);
    }
    await(vertx.close(), deadline);
    auditFlusher.close();
    audit.close();
  }

  /** Open WebSocket connections, for tests and metrics. */
  public int openConnections() {
    return endpoint.openConnections();
  }

  /** This node's id (connection ids and audit records carry it). */
  public String nodeId() {
    return nodeId;
  }

  /**
   * {@code /health/ready}: the last audit write succeeded and, on Redis, Redis answered the last sweep
   * and the relay is subscribed.
   */
  private boolean ready() {
    if (!audit.healthy()) {
      return false;
    }
    return redisStore == null || (redisStore.reachable() && relay.connected());
  }

  /** Logs the first failed sweep of a run, then one line a minute while they keep failing. */
  private void sweepFailed(Throwable e) {
    long n = ++failedSweeps;
    long now = System.nanoTime();
    if (n == 1 || now - lastFailureLogNanos > TimeUnit.MINUTES.toNanos(1)) {
      lastFailureLogNanos = now;
      log.warn("sweep failed{}: {}", n == 1 ? "" : " (" + n + " in a row)", e.toString());
    }
  }

  private void localMembersChanged(String documentId) {
    RedisEventRelay r = relay;
    if (r != null) {
      r.localMembersChanged(documentId);
    }
  }

  /** Node liveness as the Redis store finds it. */
  private final class Liveness implements NodeListener {

    @Override
    public void declaredDead() {
      log.warn("Baton node {} was declared dead by another node (no heartbeat reached Redis for more than"
          + " redis.nodeTimeout {}): its sessions were set away; closing its {} connections so that their"
          + " clients resume", nodeId, Durations.format(config.redis().nodeTimeout()), endpoint.openConnections());
      endpoint.drain(DRAIN_SPREAD.toMillis());
    }

    @Override
    public void declaredDead(String otherNodeId, int sessions) {
      log.warn("Baton node {} had no heartbeat for more than redis.nodeTimeout {}: declared dead, its {}"
          + " attached sessions set away (they end after their grace unless they resume)", otherNodeId,
          Durations.format(config.redis().nodeTimeout()), sessions);
    }
  }
}
