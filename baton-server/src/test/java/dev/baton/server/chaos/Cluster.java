package dev.baton.server.chaos;

import dev.baton.server.testing.NodeProcess;
import dev.baton.server.testing.TestRedis;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployment under test: node processes on one Redis, and which nodes are up (a node being killed
 * or restarted is down, so that clients do not choose it). Thread-safe: the fault injector changes it
 * while clients read it.
 */
final class Cluster {

  private final TestRedis redis;
  private final List<NodeProcess> nodes;
  private final Set<NodeProcess> down = ConcurrentHashMap.newKeySet();

  Cluster(TestRedis redis, List<NodeProcess> nodes) {
    this.redis = redis;
    this.nodes = List.copyOf(nodes);
  }

  TestRedis redis() {
    return redis;
  }

  List<NodeProcess> nodes() {
    return nodes;
  }

  /** A node that is up, chosen with {@code random}; null when none is. */
  NodeProcess liveNode(Random random) {
    List<NodeProcess> up = nodes.stream().filter(n -> !down.contains(n)).toList();
    return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
  }

  void markDown(NodeProcess node) {
    down.add(node);
  }

  void markUp(NodeProcess node) {
    down.remove(node);
  }
}
