package dev.baton.server.loadgen;

import dev.baton.core.policy.Durations;
import dev.baton.core.time.Clock;
import dev.baton.server.auth.TokenMinter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code baton loadgen}'s engine: opens the connections on its own Vert.x instance (a few event loops,
 * one {@link Shard} each), reads the servers' memory before and after, runs the step or the max-rate
 * search, then says {@code bye} on every connection and stops. Every loop in it ends by itself: the
 * steps by their duration, the waits by their limits.
 *
 * <p>Not thread-safe: {@link #run} once, from one thread (not a Vert.x thread).
 */
public final class LoadGenerator {

  /** The longest the connect phase (connect, hello, join of every connection) may take. */
  static final Duration CONNECT_LIMIT = Duration.ofMinutes(5);
  /** The longest the closing phase waits for the server to close after {@code bye}. */
  static final Duration CLOSE_LIMIT = Duration.ofSeconds(20);
  /**
   * Pause between joining and the memory reading, so the joins' events and garbage settle; short when
   * no full GC can be forced, as the heap reading is rough then anyway.
   */
  static final Duration SETTLE = Duration.ofSeconds(2);
  static final Duration SETTLE_WITHOUT_GC = Duration.ofMillis(200);

  private final LoadConfig config;
  private final PrintStream out;
  private final Stats stats = new Stats();
  private String transport = "?";

  /**
   * @param out where progress goes (null or {@code config.quiet()} for none)
   * @throws IllegalArgumentException if a target or source address is not on loopback
   */
  public LoadGenerator(LoadConfig config, PrintStream out) {
    Loopback.check(config);
    this.config = config;
    this.out = config.quiet() ? null : out;
  }

  /**
   * Runs the whole thing.
   *
   * @throws LoadgenException if not every connection could connect, say hello and join
   */
  public LoadReport run() throws InterruptedException {
    String startedAt = Instant.now().toString();
    Map<String, Object> machine = MachineFacts.collect();
    List<String> notes = new ArrayList<>();
    ServerProbe probe = new ServerProbe(config.metricsUrls(), config.serverPids());
    ServerProbe.Reading before = probe.read(true);
    note(notes, probe);
    String runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);
    TokenMinter minter = TokenMinter.withSecret(config.secret(), config.issuer(), config.audience(), Clock.system());

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setPreferNativeTransport(true));
    transport = vertx.isNativeTransportEnabled() ? "native epoll" : "NIO (timers round up to whole milliseconds)";
    List<Shard> shards = new ArrayList<>();
    List<StepResult> steps = new ArrayList<>();
    LoadReport.SearchResult search = null;
    MemoryResult memory = null;
    double connectSeconds = 0;
    try {
      List<WebSocketClient> clients = new ArrayList<>();
      for (String address : config.sourceAddresses()) {
        clients.add(vertx.createWebSocketClient(clientOptions(address)));
      }
      for (int i = 0; i < config.eventLoops(); i++) {
        int concurrency = Math.max(1, config.connectConcurrency() / config.eventLoops());
        Shard s = new Shard(i, config.eventLoops(), stats, concurrency, config.opTimeout().toNanos());
        await(vertx.deployVerticle(s), Duration.ofSeconds(30));
        shards.add(s);
      }
      Layout.build(config, runId, shards, clients, minter, stats);

      print("machine: %s cores, load average %s, CPU pressure (some, avg60) %s%n", machine.get("cores"),
          machine.get("loadAverageAtStart"), machine.get("cpuPressureAtStart"));
      print("generator transport: %s%n", transport);
      print("connecting %d connections (%d documents x (1 actor + %d viewers), %d idle) to %s from %s%n",
          config.connections(), config.documents(), config.viewers(),
          config.connections() - config.documentConnections(), config.urls(), config.sourceAddresses());
      long t0 = System.nanoTime();
      int failed = 0;
      List<Future<Integer>> connects = new ArrayList<>();
      for (Shard s : shards) {
        connects.add(s.connectAll());
      }
      for (Future<Integer> f : connects) {
        failed += await(f, CONNECT_LIMIT);
      }
      connectSeconds = (System.nanoTime() - t0) / 1e9;
      if (failed > 0) {
        throw new LoadgenException(failed + " of " + config.connections() + " connections could not connect, say"
            + " hello and join: " + stats.errors());
      }
      long heartbeatMs = shards.stream().mapToLong(Shard::heartbeatMs).filter(v -> v > 0).min().orElse(0);
      print("connected and joined %d in %.1f s (%d hello/join retried after UNAVAILABLE); heartbeat every %s%n",
          config.connections(), connectSeconds, stats.connectRetries.sum(), heartbeatMs > 0 ? Durations.format(Duration.ofMillis(heartbeatMs)) : "?");
      shards.forEach(Shard::startTimers);
      Thread.sleep((config.serverPids().isEmpty() ? SETTLE_WITHOUT_GC : SETTLE).toMillis());
      ServerProbe.Reading joined = probe.read(true);
      note(notes, probe);
      memory = MemoryResult.of(config.connections(), before, joined);
      if (!memory.afterGc()) {
        notes.add("heap readings without a forced GC (no --server-pid): they include garbage");
      }
      print("server memory: heap %s -> %s (%s per connection%s), RSS %s -> %s (%s per connection)%n",
          mib(memory.heapBeforeBytes()), mib(memory.heapJoinedBytes()), bytes(memory.heapPerConnectionBytes()),
          memory.afterGc() ? ", after full GC" : ", no GC forced", mib(memory.rssBeforeBytes()),
          mib(memory.rssJoinedBytes()), bytes(memory.rssPerConnectionBytes()));

      if (config.documents() > 0) {
        StepRunner runner = new StepRunner(stats, probe, out);
        if (config.search() == null) {
          steps.add(runner.run(0, config.rate(), config.warmup().toNanos(), config.duration().toNanos()));
        } else {
          RateSearch.Outcome o = RateSearch.run(runner, config);
          steps.addAll(o.steps());
          search = o.result();
          print("max rate with acquire p99 <= %.3f ms: %.0f ops/s intended (%.0f achieved); first failing: %s%n",
              search.p99LimitMs(), search.maxPassingRate(), search.maxPassingAchieved(),
              search.firstFailingRate() < 0 ? "none" : String.format("%.0f ops/s", search.firstFailingRate()));
        }
        note(notes, probe);
      } else {
        print("no documents: holding the idle connections for %s%n", Durations.format(config.duration()));
        Thread.sleep(config.duration().toMillis());
      }
    } finally {
      stats.phase(null);
      close(vertx, shards);
    }
    machine.put("loadAverageAtEnd", MachineFacts.loadAverage());
    machine.put("cpuPressureAtEnd", MachineFacts.cpuPressure());
    return new LoadReport(startedAt, machine, settings(runId), connectSeconds, stats.connectRetries.sum(), memory,
        steps, search,
        stats.errors(), notes);
  }

  private void close(Vertx vertx, List<Shard> shards) throws InterruptedException {
    List<Future<Void>> closing = new ArrayList<>();
    for (Shard s : shards) {
      closing.add(s.byeAll());
    }
    long deadline = System.nanoTime() + CLOSE_LIMIT.toNanos();
    for (Future<Void> f : closing) {
      try {
        await(f, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (LoadgenException e) {
        print("not every connection closed within %s; closing the rest%n", Durations.format(CLOSE_LIMIT));
        break;
      }
    }
    shards.forEach(Shard::abortAll);
    try {
      await(vertx.close(), Duration.ofSeconds(10));
    } catch (LoadgenException e) {
      print("Vert.x did not stop within 10 s%n");
    }
  }

  private WebSocketClientOptions clientOptions(String localAddress) {
    return new WebSocketClientOptions()
        .setLocalAddress(localAddress)
        .setMaxConnections(Math.max(1, config.connections()))
        .setMaxMessageSize(64 * 1024 * 1024)
        .setConnectTimeout(30_000)
        .setTcpNoDelay(true)
        .setIdleTimeout(0);
  }

  private Map<String, Object> settings(String runId) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("runId", runId);
    s.put("urls", config.urls().stream().map(Object::toString).toList());
    s.put("metricsUrls", config.metricsUrls().stream().map(Object::toString).toList());
    s.put("sourceAddresses", config.sourceAddresses());
    s.put("connections", config.connections());
    s.put("documents", config.documents());
    s.put("viewersPerDocument", config.viewers());
    s.put("idleConnections", config.connections() - config.documentConnections());
    s.put("rate", config.rate());
    s.put("warmup", Durations.format(config.warmup()));
    s.put("duration", Durations.format(config.duration()));
    s.put("mix", "acquire:renew:release = 1:" + config.renewsPerCycle() + ":1");
    s.put("eventLoops", config.eventLoops());
    s.put("transport", transport);
    s.put("connectConcurrency", config.connectConcurrency());
    s.put("opTimeout", Durations.format(config.opTimeout()));
    s.put("serverPids", config.serverPids());
    s.put("latencyFrom", "intended send time (open loop, coordinated omission corrected)");
    if (config.search() != null) {
      s.put("search", Map.of("p99Limit", Durations.format(config.search().p99Limit()),
          "factor", config.search().factor(), "maxSteps", config.search().maxSteps(),
          "refinements", config.search().refinements()));
    }
    return s;
  }

  private static void note(List<String> notes, ServerProbe probe) {
    if (probe.warning() != null && !notes.contains(probe.warning())) {
      notes.add(probe.warning());
    }
  }

  private void print(String format, Object... args) {
    if (out != null) {
      out.printf(format, args);
    }
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static String bytes(long bytes) {
    return bytes < 0 ? "?" : String.format("%,d bytes", bytes);
  }

  private static <T> T await(Future<T> f, Duration limit) throws InterruptedException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new LoadgenException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new LoadgenException("no answer within " + Durations.format(limit), e);
    }
  }
}
