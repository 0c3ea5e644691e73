package dev.baton.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.core.policy.Durations;
import dev.baton.core.store.AcquireResult;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Redis peers run (issue 6, item 3): Baton's Redis store against Redisson's {@code RLock} and the
 * raw {@code EVALSHA} floor, on one Redis, at equal concurrency, each pair back to back in the same
 * process so that their ratio is fair on a shared machine; plus Redis commands per operation from
 * {@code INFO commandstats}. Prints a table per round and the ratios' spread; {@code --out} writes
 * the same as JSON. Exits 1 if any peer fails.
 *
 * <p>Run: {@code java -cp baton-bench/target/benchmarks.jar dev.baton.bench.peers.RedisPeers --help}.
 */
@Command(name = "redis-peers", mixinStandardHelpOptions = true,
    description = "Baton's Redis store vs Redisson RLock vs the raw EVALSHA floor, at equal concurrency.")
public final class RedisPeers implements Callable<Integer> {

  private static final String BATON = "baton-redis-store";
  private static final String REDISSON = "redisson-rlock";
  private static final String FLOOR = "evalsha-vertx";
  private static final String LINK = "evalsha-link";
  private static final String TOOL = "redis-benchmark";

  @Option(names = "--redis-uri", description = "Redis to use (default: start the embedded Redis 7 on a free port).")
  String redisUri;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,8,32",
      description = "Operations in flight per peer, one run each (default: ${DEFAULT-VALUE}).")
  List<Integer> concurrency;

  @Option(names = "--warmup", defaultValue = "5s", description = "Warmup of each run (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", defaultValue = "10s", description = "Measurement of each run (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--rounds", defaultValue = "3", description = "Repetitions of the whole set (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--no-redis-benchmark", description = "Skip redis-benchmark even if it is on the PATH.")
  boolean noRedisBenchmark;

  @Option(names = "--out", description = "Write the results as JSON to this file.")
  Path out;

  private final PrintStream log = System.out;

  /** Entry point; exit code 0 when every run completed, 1 otherwise. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new RedisPeers()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Duration warm = Durations.parse(warmup);
    Duration measure = Durations.parse(duration);
    int workers = concurrency.stream().mapToInt(Integer::intValue).max().orElseThrow();
    EmbeddedRedis embedded = redisUri == null ? EmbeddedRedis.start(0) : null;
    String uri = embedded != null ? embedded.uri() : redisUri;
    int port = java.net.URI.create(uri).getPort();
    boolean tool = !noRedisBenchmark && RedisBenchmarkTool.available();
    Vertx vertx = Vertx.vertx();
    String prefix = "bench" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("redis", uri);
    results.put("redisVersion", null);
    List<Peer> peers = new ArrayList<>();
    try (RedisAdmin admin = new RedisAdmin(vertx, uri)) {
      results.put("redisVersion", admin.redisVersion());
      String sha = admin.scriptLoad(EvalshaPeer.SCRIPT);
      BatonStorePeer baton = new BatonStorePeer(vertx, uri, prefix);
      RedissonPeer redisson = new RedissonPeer(uri, prefix + ":redisson");
      peers.add(baton);
      peers.add(redisson);
      peers.add(EvalshaPeer.direct(vertx, uri, sha));
      peers.add(EvalshaPeer.link(vertx, uri, sha));
      for (Peer p : peers) {
        p.prepare(workers);
      }
      log.printf("Redis %s (%s) at %s; %d CPUs; redis-benchmark %s%n", results.get("redisVersion"), uri,
          java.time.Instant.now(), Runtime.getRuntime().availableProcessors(), tool ? "on the PATH" : "not used");
      results.put("commandsPerOperation", countCommands(admin, baton, redisson, workers));

      List<Map<String, Object>> runs = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (int c : concurrency) {
          Map<String, Double> rates = new LinkedHashMap<>();
          for (Peer p : peers) {
            String pressure = CpuPressure.read();
            ClosedLoop.Result r = ClosedLoop.run(p, c, warm, measure);
            double rt = r.throughput() * p.roundTrips();
            rates.put(p.name(), rt);
            runs.add(run(round, c, p.name(), r.throughput(), rt, r, pressure));
            log.printf("round %d  c=%-3d %-18s %9.0f ops/s %9.0f round trips/s  p50 %6d us  p99 %6d us  (cpu %s)%n",
                round, c, p.name(), r.throughput(), rt, r.latencyMicros().getValueAtPercentile(50),
                r.latencyMicros().getValueAtPercentile(99), pressure);
          }
          if (tool) {
            String pressure = CpuPressure.read();
            // about the measured duration: redis-benchmark counts requests, not time, and has run at a
            // quarter to a half of evalsha-vertx's round trips here
            long requests = Math.max(10_000, (long) (rates.get(FLOOR) * measure.toSeconds() / 4));
            double rps = RedisBenchmarkTool.evalshaPerSecond(port, c, requests, sha);
            rates.put(TOOL, rps);
            runs.add(run(round, c, TOOL, rps / 2, rps, null, pressure));
            log.printf("round %d  c=%-3d %-18s %9.0f ops/s %9.0f round trips/s  (%d requests, cpu %s)%n",
                round, c, TOOL, rps / 2, rps, requests, pressure);
          }
          log.printf("round %d  c=%-3d baton/redisson %.2fx   baton/%s %.0f%%%s%n", round, c,
              rates.get(BATON) / rates.get(REDISSON), FLOOR, 100 * rates.get(BATON) / rates.get(FLOOR),
              tool ? String.format("   baton/%s %.0f%%", TOOL, 100 * rates.get(BATON) / rates.get(TOOL)) : "");
        }
      }
      results.put("runs", runs);
      results.put("ratios", Ratios.summarize(runs, concurrency, log));
    } finally {
      for (Peer p : peers) {
        p.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.close();
      }
    }
    if (out != null) {
      write(out, results);
      log.println("results: " + out);
    }
    return 0;
  }

  /**
   * Commands per operation from {@code INFO commandstats}, reset before each phase: each phase runs
   * its operation once for each of {@code workers} independent locks, five times over, after one
   * pass that loads the scripts (so no {@code NOSCRIPT} or missing-function fallback is counted). Also
   * the microseconds Redis spent per script call ({@code usec} of {@code evalsha} for Redisson, of
   * {@code fcall} for Baton's functions), the lower bound of a script's cost on Redis's one thread.
   */
  private Map<String, Object> countCommands(RedisAdmin admin, BatonStorePeer baton, RedissonPeer redisson,
      int workers) {
    CommandCount count = new CommandCount(admin, workers);
    for (int r = 0; r <= 5; r++) {
      boolean counted = r > 0;
      long[] tokens = new long[workers];
      count.phase("baseline", counted, w -> { });
      count.phase("baton.acquire", counted, w -> {
        AcquireResult a = baton.acquire(w).toCompletableFuture().join();
        if (!(a instanceof AcquireResult.Granted g)) {
          throw new IllegalStateException("not granted: " + a);
        }
        tokens[w] = g.lease().token();
      });
      count.phase("baton.renew", counted, w -> baton.renew(w, tokens[w]).toCompletableFuture().join());
      count.phase("baton.release", counted, w -> baton.release(w).toCompletableFuture().join());
      count.phase("redisson.tryLock", counted, w -> {
        if (!redisson.lock(w).toCompletableFuture().join()) {
          throw new IllegalStateException("Redisson did not grant lock " + w);
        }
      });
      count.phase("redisson.unlock", counted, w -> redisson.unlock(w).toCompletableFuture().join());
    }
    log.println("Redis commands per operation (INFO commandstats after CONFIG RESETSTAT, " + count.operations()
        + " operations each; commands run inside scripts count too; idle background commands subtracted;"
        + " script usec = Redis's time per evalsha or fcall call):");
    Map<String, Object> out = count.perOperation();
    out.forEach((k, v) -> log.printf("  %-17s %s%n", k, v));
    return out;
  }

  private static Map<String, Object> run(int round, int c, String peer, double ops, double roundTrips,
      ClosedLoop.Result r, String pressure) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("round", round);
    m.put("concurrency", c);
    m.put("peer", peer);
    m.put("operationsPerSecond", Math.round(ops));
    m.put("roundTripsPerSecond", Math.round(roundTrips));
    if (r != null) {
      m.put("p50Micros", r.latencyMicros().getValueAtPercentile(50));
      m.put("p99Micros", r.latencyMicros().getValueAtPercentile(99));
      m.put("operations", r.operations());
    }
    m.put("cpuPressureAtStart", pressure);
    return m;
  }

  private static void write(Path file, Map<String, Object> results) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
  }
}
