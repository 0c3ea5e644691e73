package dev.baton.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.JoinResult;
import dev.baton.redis.RedisKeys;
import dev.baton.redis.RedisStore;
import dev.baton.redis.RedisTime;
import dev.baton.redis.SingleConnectionLink;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Redis time per join while one document fills up (issue 6, the two-node presence run): opens
 * {@code --members} sessions on Baton's {@link RedisStore}, then joins them one after the other to
 * one document, and for each block of {@code --step} joins reads {@code INFO commandstats} (after
 * {@code CONFIG RESETSTAT}): Redis's time in scripts per join ({@code evalsha} and {@code fcall}
 * usec over the joins of the block: a join is {@code session_join} + {@code join}, two script
 * calls) and per script call ({@code usec_per_call}), and the CPU time of Redis's main thread per join
 * ({@code INFO cpu}; it includes reading the commands and writing the replies, and unlike {@code
 * usec}, which is wall time, it does not grow when Redis waits for a CPU on a shared machine).
 * Latency is not measured; the figures are Redis's own time, which is what queues behind one Redis
 * thread. Exits 1 if a join fails.
 *
 * <p>Run: {@code java -da:io.vertx.redis.client.impl... -cp baton-bench/target/benchmarks.jar
 * dev.baton.bench.peers.JoinCost --members 1000 --step 100}.
 */
@Command(name = "join-cost", mixinStandardHelpOptions = true,
    description = "Redis time per join while one document fills with members.")
public final class JoinCost implements Callable<Integer> {

  private static final List<String> SCRIPT_COMMANDS = List.of("evalsha", "eval", "fcall", "fcall_ro");

  @Option(names = "--redis-uri", description = "Redis to use (default: start the embedded Redis 7 on a free port).")
  String redisUri;

  @Option(names = "--members", defaultValue = "1000", description = "Members to join (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--step", defaultValue = "100", description = "Joins per reading (default: ${DEFAULT-VALUE}).")
  int step;

  @Option(names = "--out", description = "Write the readings as JSON to this file.")
  Path out;

  /** Entry point; exit code 0 when every join succeeded, 1 otherwise. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new JoinCost()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    EmbeddedRedis embedded = redisUri == null ? EmbeddedRedis.start(0) : null;
    String uri = embedded != null ? embedded.uri() : redisUri;
    Vertx vertx = Vertx.vertx();
    SingleConnectionLink link = SingleConnectionLink.create(vertx, new RedisOptions().setConnectionString(uri),
        Duration.ofSeconds(30));
    List<Map<String, Object>> readings = new ArrayList<>();
    try (RedisAdmin admin = new RedisAdmin(vertx, uri)) {
      RedisStore store = new RedisStore(link, new RedisKeys("joincost-" + UUID.randomUUID()), Policies.defaults(),
          event -> { }, RedisTime.server(), "bench-node");
      List<String> sessions = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        Principal p = new Principal("u" + i, "Viewer " + i, Set.of(), AccessRules.uniform(Access.VIEW));
        sessions.add(store.openSession(p, "conn-" + i).toCompletableFuture().join().sessionId());
      }
      ResourceId resource = ResourceId.parse("bench:fill:main");
      System.out.printf("%-12s %12s %14s %16s %14s%n", "members", "joins", "script us/join", "us/script call",
          "cpu us/join");
      for (int from = 0; from < members; from += step) {
        int to = Math.min(members, from + step);
        admin.resetStats();
        long cpuBefore = admin.mainThreadCpuMicros();
        for (int i = from; i < to; i++) {
          JoinResult r = store.join(sessions.get(i), resource, JoinMode.VIEW, false).toCompletableFuture().join();
          if (r.state().presence().members().size() != i + 1) {
            throw new IllegalStateException("join " + (i + 1) + " saw " + r.state().presence().members().size()
                + " members");
          }
        }
        long cpu = admin.mainThreadCpuMicros() - cpuBefore;
        readings.add(reading(admin.commandStats(), cpu, from, to));
      }
    } finally {
      link.close();
      vertx.close().await();
      if (embedded != null) {
        embedded.close();
      }
    }
    if (out != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("members", members);
      doc.put("step", step);
      doc.put("readings", readings);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
    }
    return 0;
  }

  private static Map<String, Object> reading(Map<String, RedisAdmin.Stat> stats, long cpuMicros, int from, int to) {
    RedisAdmin.Stat scripts = new RedisAdmin.Stat(0, 0);
    for (String c : SCRIPT_COMMANDS) {
      scripts = scripts.plus(stats.getOrDefault(c, new RedisAdmin.Stat(0, 0)));
    }
    int joins = to - from;
    double perJoin = (double) scripts.usec() / joins;
    double perCall = scripts.calls() == 0 ? 0 : (double) scripts.usec() / scripts.calls();
    double cpuPerJoin = (double) cpuMicros / joins;
    System.out.printf("%5d-%-6d %12d %14.1f %16.1f %14.1f%n", from + 1, to, joins, perJoin, perCall, cpuPerJoin);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("membersFrom", from + 1);
    m.put("membersTo", to);
    m.put("joins", joins);
    m.put("scriptCalls", scripts.calls());
    m.put("scriptUsecPerJoin", Math.round(10 * perJoin) / 10.0);
    m.put("scriptUsecPerCall", Math.round(10 * perCall) / 10.0);
    m.put("redisCpuUsecPerJoin", Math.round(10 * cpuPerJoin) / 10.0);
    Map<String, Object> commands = new LinkedHashMap<>();
    stats.forEach((cmd, s) -> commands.put(cmd, Map.of("calls", s.calls(), "usec", s.usec())));
    m.put("commandstats", commands);
    return m;
  }
}
