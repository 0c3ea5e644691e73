package dev.baton.server.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.redis.RedisEventRelay;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestRedis;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis loses its data ({@code FLUSHALL} stands in for {@code redis-cli shutdown nosave} and a
 * restart) under a node with connected clients: their sessions are gone, not resumed elsewhere, so
 * the node closes them with 1011 (reconnect), not 4009 (after which clients stop); a reconnect with
 * the old resume token gets a new session. Real embedded Redis, this test's own.
 */
class RedisDataLossTest {

  static final String R = "operation-report:lost1:diagnosis";

  @Test
  void aSessionThatRedisLostIsClosedForAReconnectNotAsResumedElsewhere() {
    try (TestRedis redis = TestRedis.start();
        TestServer node = TestServer.builder().redis(redis.port(), TestRedis.newPrefix()).start()) {
      TestClient smith = node.login("smith", "smith", "Dr. Smith", "clinician");
      smith.expect("joined", "join", Map.of("resource", R, "mode", "view"));

      redis.flushAll();

      // the node's reconciliation with Redis finds it, at the latest one interval later (three allowed for a loaded machine)
      TestClient.Closed closed = smith.awaitClose(Duration.ofMillis(RedisEventRelay.RECONCILE_INTERVAL_MS * 3));
      assertThat(closed.code()).as("close %s", closed).isEqualTo(1011);
      assertThat(closed.reason()).isEqualTo("session lost: reconnect");

      TestClient again = node.connect("smith again");
      JsonNode welcome = again.hello(node.token("smith", "Dr. Smith", "clinician"), smith.resumeToken());
      assertThat(welcome.path("resumed").asBoolean()).as("%s", welcome).isFalse();
      assertThat(welcome.path("sessionId").asText()).isNotEqualTo(smith.sessionId());
      again.expect("joined", "join", Map.of("resource", R, "mode", "view"));
    }
  }
}
