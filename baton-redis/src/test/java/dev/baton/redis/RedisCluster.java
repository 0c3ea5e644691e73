package dev.baton.redis;

import static org.awaitility.Awaitility.await;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import redis.embedded.RedisServer;

/**
 * A real three-master Redis Cluster from the embedded Redis 7 binary ({@code org.signal:embedded-redis}):
 * three {@code redis-server}s with {@code cluster-enabled yes} on free loopback ports (client and
 * cluster-bus port both picked free), slots {@code 0-5460}, {@code 5461-10922}, {@code 10923-16383}
 * assigned with {@code CLUSTER ADDSLOTSRANGE}, joined with {@code CLUSTER MEET} (naming the bus port, which is not port + 10000 here), ready once every
 * node reports {@code cluster_state:ok}. No replicas. Tests share one per class and give each test
 * its own key prefix. Not thread-safe.
 */
public final class RedisCluster implements AutoCloseable {

  /** The slot ranges of the three masters, in order. */
  public static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

  private final List<Integer> ports = new ArrayList<>();
  private final List<Integer> busPorts = new ArrayList<>();
  /** Slots moved by {@link #moveSlot}, to the port of their new master. */
  private final Map<Integer, Integer> moved = new HashMap<>();
  private final List<RedisServer> servers = new ArrayList<>();
  private final Path dir;

  private RedisCluster() {
    try {
      dir = Files.createTempDirectory("baton-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the three masters, assigns the slots, joins them, and waits until the cluster is ok. */
  public static RedisCluster start() {
    RedisCluster c = new RedisCluster();
    try {
      c.up();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void up() {
    for (int i = 0; i < RANGES.length; i++) {
      int port = freePort();
      int busPort = freePort();
      RedisServer server = RedisServer.builder()
          .port(port)
          .setting("bind 127.0.0.1")
          .setting("save \"\"")
          .setting("appendonly no")
          .setting("cluster-enabled yes")
          .setting("cluster-port " + busPort)
          .setting("cluster-config-file " + dir.resolve("nodes-" + port + ".conf").toAbsolutePath())
          .setting("cluster-node-timeout 5000")
          .setting("dir " + dir.toAbsolutePath())
          .build();
      server.start();
      servers.add(server);
      ports.add(port);
      busPorts.add(busPort);
    }
    for (int i = 0; i < RANGES.length; i++) {
      try (RawRedis raw = new RawRedis(ports.get(i))) {
        expectOk(raw.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(RANGES[i][0]), Integer.toString(RANGES[i][1])));
      }
    }
    try (RawRedis first = new RawRedis(ports.get(0))) {
      for (int i = 1; i < ports.size(); i++) {
        expectOk(first.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports.get(i)),
            Integer.toString(busPorts.get(i))));
      }
    }
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(this::allOk);
  }

  private boolean allOk() {
    for (int port : ports) {
      try (RawRedis raw = new RawRedis(port)) {
        String info = (String) raw.call("CLUSTER", "INFO");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:3")) {
          return false;
        }
      }
    }
    return true;
  }

  private static void expectOk(Object reply) {
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("cluster setup failed: " + reply);
    }
  }

  /** The client ports of the masters, in slot order. */
  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** The port of the master serving {@code slot} (after {@link #moveSlot}, its new master). */
  public int portOfSlot(int slot) {
    Integer movedTo = moved.get(slot);
    if (movedTo != null) {
      return movedTo;
    }
    for (int i = 0; i < RANGES.length; i++) {
      if (slot >= RANGES[i][0] && slot <= RANGES[i][1]) {
        return ports.get(i);
      }
    }
    throw new IllegalArgumentException("slot " + slot);
  }

  /** The Vert.x client options of the cluster, every master as a seed. */
  public RedisOptions options() {
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
    for (int port : ports) {
      options.addConnectionString("redis://127.0.0.1:" + port);
    }
    return options;
  }

  /**
   * Moves {@code slot}, keys and all, to the master on {@code toPort}, as {@code redis-cli --cluster
   * reshard} does: {@code SETSLOT IMPORTING}/{@code MIGRATING}, {@code MIGRATE} of its keys, then
   * {@code SETSLOT NODE} on every master. Returns how many keys moved.
   */
  public int moveSlot(int slot, int toPort) {
    int fromPort = portOfSlot(slot);
    if (fromPort == toPort) {
      throw new IllegalArgumentException("slot " + slot + " is already on " + toPort);
    }
    String s = Integer.toString(slot);
    try (RawRedis from = new RawRedis(fromPort); RawRedis to = new RawRedis(toPort)) {
      String fromId = (String) from.call("CLUSTER", "MYID");
      String toId = (String) to.call("CLUSTER", "MYID");
      expectOk(to.call("CLUSTER", "SETSLOT", s, "IMPORTING", fromId));
      expectOk(from.call("CLUSTER", "SETSLOT", s, "MIGRATING", toId));
      @SuppressWarnings("unchecked")
      List<Object> keys = (List<Object>) from.call("CLUSTER", "GETKEYSINSLOT", s, "1000");
      if (!keys.isEmpty()) {
        List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(toPort), "", "0",
            "5000", "KEYS"));
        keys.forEach(k -> migrate.add((String) k));
        expectOk(from.call(migrate.toArray(String[]::new)));
      }
      expectOk(to.call("CLUSTER", "SETSLOT", s, "NODE", toId));
      expectOk(from.call("CLUSTER", "SETSLOT", s, "NODE", toId));
      for (int port : ports) {
        if (port != fromPort && port != toPort) {
          try (RawRedis other = new RawRedis(port)) {
            expectOk(other.call("CLUSTER", "SETSLOT", s, "NODE", toId));
          }
        }
      }
      moved.put(slot, toPort);
      return keys.size();
    }
  }

  /** {@code redis-cluster://127.0.0.1:<port>,…}: the {@code redis.uri} of the cluster, every master a seed. */
  public String uri() {
    StringBuilder uri = new StringBuilder("redis-cluster://");
    for (int i = 0; i < ports.size(); i++) {
      uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports.get(i));
    }
    return uri.toString();
  }

  /** The slot of a key or hash tag content, as Redis Cluster computes it (CRC16 mod 16384). */
  public static int slotOfKey(String key) {
    return ClusterSlots.slotOfKey(key);
  }

  /** Stops the masters and deletes their folder. Idempotent. */
  @Override
  public void close() {
    for (RedisServer server : servers) {
      server.stop();
    }
    servers.clear();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
