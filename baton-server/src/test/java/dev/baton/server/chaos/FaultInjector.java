package dev.baton.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.chaos.History.Died;
import dev.baton.server.chaos.History.Fault;
import dev.baton.server.chaos.History.Gone;
import dev.baton.server.testing.NodeProcess;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Causes faults one at a time on a schedule drawn from a seed: drops client connections abruptly (no
 * close frame), kills a node with SIGKILL and starts it again on its port, stops Redis (SIGTERM: its
 * append-only file is flushed) and starts it again with its data. After a drop or a kill it follows
 * every lock of the sessions that will not be resumed until {@code POST /v1/locks/verify} calls it
 * gone, and records {@link Died} and {@link Gone} for the checker. Faults do not overlap, so that each
 * death is judged against the timings it was promised (a Redis outage pauses graces).
 *
 * <p>Runs on the test's thread; not thread-safe.
 */
final class FaultInjector {

  /** The kinds of fault. */
  enum Kind { DROP, KILL_NODE, RESTART_REDIS }

  private final Cluster cluster;
  private final List<ChaosWorker> workers;
  private final History history;
  private final Random random;
  private final long dropBoundMs;
  private final long nodeBoundMs;
  private final Map<Kind, Integer> done = new LinkedHashMap<>();
  private long maxDropGoneMs;
  private long maxNodeGoneMs;
  private long maxDetectionMs;

  /**
   * @param dropBoundMs how soon a dropped, abandoned session's locks must be gone
   * @param nodeBoundMs how soon the locks of an abandoned session of a killed node must be gone once a
   *     live node shows the session away
   */
  FaultInjector(Cluster cluster, List<ChaosWorker> workers, History history, long seed, long dropBoundMs,
      long nodeBoundMs) {
    this.cluster = cluster;
    this.workers = workers;
    this.history = history;
    this.random = new Random(seed);
    this.dropBoundMs = dropBoundMs;
    this.nodeBoundMs = nodeBoundMs;
  }

  /** Causes faults until {@code deadlineNanos}: one of each kind first, then at random. */
  void run(long deadlineNanos) throws InterruptedException {
    List<Kind> first = new ArrayList<>(List.of(Kind.DROP, Kind.KILL_NODE, Kind.RESTART_REDIS));
    while (System.nanoTime() - deadlineNanos < 0) {
      Thread.sleep(1000 + random.nextInt(2000));
      Kind kind = !first.isEmpty() ? first.remove(0) : pick();
      switch (kind) {
        case DROP -> drop();
        case KILL_NODE -> killNode();
        case RESTART_REDIS -> restartRedis();
      }
      done.merge(kind, 1, Integer::sum);
    }
  }

  /** How many faults of each kind were caused. */
  Map<Kind, Integer> done() {
    return done;
  }

  /** The longest a dropped session's lock took to go, in ms (-1 if none was followed). */
  long maxDropGoneMs() {
    return maxDropGoneMs;
  }

  /** The longest a killed node's session took to be shown away on a live node, in ms. */
  long maxDetectionMs() {
    return maxDetectionMs;
  }

  /** The longest a killed node's session's lock took to go after the session was shown away, in ms. */
  long maxNodeGoneMs() {
    return maxNodeGoneMs;
  }

  private Kind pick() {
    int r = random.nextInt(4);
    return r < 2 ? Kind.DROP : r == 2 ? Kind.KILL_NODE : Kind.RESTART_REDIS;
  }

  /**
   * Drops one to three connections, of lock holders when there are any; about a third of them resume,
   * the others are abandoned.
   */
  private void drop() {
    int n = 1 + random.nextInt(3);
    List<Dead> dead = new ArrayList<>();
    List<ChaosWorker> holders = workers.stream().filter(ChaosWorker::holding).toList();
    List<ChaosWorker> candidates = holders.isEmpty() ? workers : holders;
    for (int i = 0; i < n; i++) {
      ChaosWorker w = candidates.get(random.nextInt(candidates.size()));
      String session = w.sessionId();
      if (session == null) {
        continue;
      }
      boolean resume = random.nextInt(3) == 0;
      w.drop(resume);
      long dropped = System.nanoTime();
      history.add(new Fault("drop " + w.userId() + (resume ? " (will resume)" : ""), dropped));
      if (!resume) {
        dead.add(new Dead(w.userId(), session, dropped));
      }
    }
    maxDropGoneMs = Math.max(maxDropGoneMs, follow(dead, dropBoundMs, "dropped", false));
  }

  /** SIGKILLs a node; about 40% of its sessions resume on another node, the rest are abandoned. */
  private void killNode() {
    // the node with the most lock holders (ties at random), so that kills take locks with them
    List<NodeProcess> nodes = new ArrayList<>(cluster.nodes());
    java.util.Collections.shuffle(nodes, random);
    NodeProcess victim = nodes.stream().max(java.util.Comparator.comparingLong(
        n -> workers.stream().filter(w -> w.node() == n && w.holding()).count())).orElseThrow();
    List<Dead> dead = new ArrayList<>();
    List<ChaosWorker> abandoned = new ArrayList<>();
    for (ChaosWorker w : workers) {
      String session = w.sessionId();
      if (w.node() == victim && session != null) {
        boolean resume = random.nextInt(5) < 2;
        w.willResume(resume);
        if (!resume) {
          abandoned.add(w);
          dead.add(new Dead(w.userId(), session, 0));
        }
      }
    }
    cluster.markDown(victim);
    victim.kill();
    long killed = System.nanoTime();
    System.out.printf("FaultInjector: killed node %s at %s%n", victim.name(), java.time.Instant.now());
    history.add(new Fault("kill -9 node " + victim.name() + " (" + abandoned.size() + " sessions abandoned)", killed));
    CompletableFuture<Void> restarted = CompletableFuture.runAsync(victim::restart);
    List<Dead> stamped = dead.stream().map(d -> new Dead(d.userId, d.sessionId, killed)).toList();
    maxNodeGoneMs = Math.max(maxNodeGoneMs, follow(stamped, nodeBoundMs, "node " + victim.name() + " killed", true));
    restarted.orTimeout(NodeProcess.START_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS).join();
    cluster.markUp(victim);
    long up = System.nanoTime();
    history.add(new Fault("node " + victim.name() + " restarted after " + (up - killed) / 1_000_000 + " ms", up));
  }

  /** Stops Redis for half a second to two seconds, starts it again, waits until every node is ready. */
  private void restartRedis() throws InterruptedException {
    cluster.redis().down();
    history.add(new Fault("Redis stopped", System.nanoTime()));
    Thread.sleep(500 + random.nextInt(1500));
    cluster.redis().up();
    history.add(new Fault("Redis started", System.nanoTime()));
    Awaitility.await("every node ready after the Redis restart").atMost(Duration.ofSeconds(30))
        .until(() -> cluster.nodes().stream().allMatch(n -> n.readyStatus() == 200));
  }

  /**
   * Records the locks the server shows for each dead session, then polls until each is gone (or
   * {@code boundMs} + 10 s have passed), recording {@link Died} and {@link Gone}. With {@code
   * fromAway}, a lock's clock starts when a live node first shows its session {@code away} (a killed
   * node's sessions go away only once the others find it dead; that detection is measured apart, in
   * {@link #maxDetectionMs()}); otherwise at the drop.
   *
   * @return the longest time to gone, in ms
   */
  private long follow(List<Dead> dead, long boundMs, String why, boolean fromAway) {
    List<Followed> pending = new ArrayList<>();
    for (Dead d : dead) {
      NodeProcess n = cluster.liveNode(random);
      TestServer.Response r = n.get("/v1/users/" + d.userId + "/locks");
      for (JsonNode l : r.json().path("locks")) {
        JsonNode lock = l.path("lock");
        if (d.sessionId.equals(lock.path("holder").path("sessionId").asText())) {
          pending.add(new Followed(d, l.path("resource").asText(), lock.path("token").asLong()));
        }
      }
    }
    long longest = -1;
    long giveUp = System.nanoTime() + (boundMs + 10_000) * 1_000_000;
    while (!pending.isEmpty() && System.nanoTime() - giveUp < 0) {
      for (Followed f : List.copyOf(pending)) {
        NodeProcess n = cluster.liveNode(random);
        try {
          if (f.died == null) {
            if (!fromAway || !online(n, f.resource, f.dead.sessionId)) {
              long now = System.nanoTime();
              f.died = new Died(f.dead.sessionId, f.resource, f.token, fromAway ? now : f.dead.atNanos, boundMs, why);
              history.add(f.died);
              maxDetectionMs = Math.max(maxDetectionMs, (now - f.dead.atNanos) / 1_000_000);
            }
          }
          if (f.died != null && n.verify(f.resource, f.token).status() == 409) {
            long now = System.nanoTime();
            history.add(new Gone(f.resource, f.token, now));
            longest = Math.max(longest, (now - f.died.atNanos()) / 1_000_000);
            pending.remove(f);
          }
        } catch (RuntimeException e) {
          // the node did not answer (busy, or going down): ask again
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return longest;
      }
    }
    for (Followed f : pending) {
      if (f.died == null) {
        history.add(new Died(f.dead.sessionId, f.resource, f.token, f.dead.atNanos, boundMs, why + ", never seen away"));
      }
    }
    return longest;
  }

  /** Whether {@code node} shows {@code sessionId} as an online member of {@code resource}. */
  private static boolean online(NodeProcess node, String resource, String sessionId) {
    for (JsonNode m : node.get("/v1/resources/" + resource).json().path("presence").path("members")) {
      if (sessionId.equals(m.path("sessionId").asText())) {
        return m.path("status").asText().equals("online");
      }
    }
    return false;
  }

  /** A lock of a dead session being followed. Confined to {@link #follow}. */
  private static final class Followed {
    final Dead dead;
    final String resource;
    final long token;
    Died died;

    Followed(Dead dead, String resource, long token) {
      this.dead = dead;
      this.resource = resource;
      this.token = token;
    }
  }

  /** A session that will not be resumed, and when it died. */
  private record Dead(String userId, String sessionId, long atNanos) {}
}
