package dev.baton.server.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.redis.RedisCluster;
import dev.baton.redis.SharedCluster;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestRedis;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Baton nodes in this process on a real three-master Redis Cluster ({@link RedisCluster}, the
 * embedded Redis 7 binary), configured as {@code baton serve --store redis --redis-uri
 * redis-cluster://…} would be: documents whose slots are on each of the three masters, a viewer on
 * one node and the editor on the other, lock and presence changes crossing the nodes, tokens
 * verified by the other node.
 */
class ClusterNodesTest {

  static final Duration SOON = Duration.ofSeconds(5);

  @RegisterExtension
  static final SharedCluster cluster = new SharedCluster();

  @Test
  void twoNodesOnAClusterServeDocumentsOnEveryMasterAsOneService() {
    String prefix = TestRedis.newPrefix();
    // A node timeout of 5 s (the default), not the test servers' 1 s: a node's first commands open its
    // connections to every master, which on a loaded machine can outlast a second.
    try (TestServer a = TestServer.builder().redis(cluster.get().uri(), prefix).nodeTimeout("5s").start();
        TestServer b = TestServer.builder().redis(cluster.get().uri(), prefix).nodeTimeout("5s").start()) {
      await().atMost(Duration.ofSeconds(15)).until(() -> a.get("/health/ready", null).status() == 200
          && b.get("/health/ready", null).status() == 200);
      TestClient alice = a.login("alice@A", "alice", "Dr. Alice");
      TestClient bob = b.login("bob@B", "bob", "Nurse Bob");

      for (String resource : onePerMaster()) {
        alice.expect("joined", "join", Map.of("resource", resource, "mode", "view"));
        bob.expect("joined", "join", Map.of("resource", resource, "mode", "view"));
        // Bob's join reaches Alice's node as presence.joined, or, when it was published before A's
        // sharded subscription took effect, as the resync's presence snapshot listing him (the relay
        // resyncs every newly confirmed subscription; a client takes either as the truth).
        alice.awaitMessage(m -> resource.equals(m.path("resource").asText())
            && (("presence.joined".equals(m.path("type").asText())
                    && "bob".equals(m.path("member").path("userId").asText()))
                || ("presence".equals(m.path("type").asText()) && m.path("re").isMissingNode()
                    && m.path("members").findValuesAsText("userId").contains("bob"))), SOON);

        long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", resource)).path("token").asLong();
        bob.awaitEvent("lock.state", e -> resource.equals(e.path("resource").asText())
            && "alice".equals(holder(e)), SOON);
        bob.expectError("LOCK_HELD", "lock.acquire", Map.of("resource", resource));
        assertThat(b.verify(resource, token).json().path("valid").asBoolean()).as("B verifies A's token").isTrue();

        alice.expect("lock.released", "lock.release", Map.of("resource", resource));
        bob.awaitEvent("lock.state", e -> resource.equals(e.path("resource").asText()) && holder(e) == null, SOON);
        long next = bob.expect("lock.granted", "lock.acquire", Map.of("resource", resource)).path("token").asLong();
        assertThat(next).as("the document's fencing counter, on its master").isGreaterThan(token);
        alice.awaitEvent("lock.state", e -> resource.equals(e.path("resource").asText())
            && "bob".equals(holder(e)), SOON);
      }
    }
  }

  private static String holder(JsonNode lockState) {
    return lockState.path("lock").path("holder").path("userId").asText(null);
  }

  /** One resource per master: the first documents {@code operation-report:c<n>} whose slots fall on each. */
  private static List<String> onePerMaster() {
    List<String> out = new ArrayList<>();
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; out.size() < RedisCluster.RANGES.length; i++) {
      String document = "operation-report:c" + i;
      if (masters.add(cluster.get().portOfSlot(RedisCluster.slotOfKey("{" + document + "}")))) {
        out.add(document + ":diagnosis");
      }
    }
    return out;
  }
}
