package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import dev.baton.server.testing.TwoNodes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code limits.sessionsPerUser} on the Redis store counts the user's sessions on every node sharing
 * the Redis: two tabs on node A and B leave no room for a third on either; a tab that says {@code bye}
 * frees its place; resuming a session is never refused.
 */
class SessionsPerUserOnTwoNodesTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final TwoNodes<TestServer> twoNodes = TwoNodes.servers();

  @Test
  void theLimitCountsTheSessionsOfEveryNode() {
    twoNodes.start(o -> o.limit("sessionsPerUser", "2"));
    TestServer a = twoNodes.a();
    TestServer b = twoNodes.b();
    TestClient onA = a.login("tab on A", "smith", "Dr. Smith");
    TestClient onB = b.login("tab on B", "smith", "Dr. Smith");

    TestClient third = a.connect("third tab, on A");
    JsonNode refused = third.expectError("RATE_LIMITED", "hello", Map.of("token", a.token("smith", "Dr. Smith")));
    assertThat(refused.path("scope").asText()).isEqualTo("sessionsPerUser");
    assertThat(refused.path("limit").asInt()).isEqualTo(2);
    assertThat(refused.path("current").asInt()).isEqualTo(2);
    assertThat(third.awaitClose(WAIT).code()).isEqualTo(4008);
    b.login("another user", "jane", "Nurse Jane");

    onB.abort();
    TestClient resumed = a.connect("tab on B, resumed on A");
    assertThat(resumed.hello(a.token("smith", "Dr. Smith"), onB.resumeToken()).path("resumed").asBoolean()).isTrue();

    onA.send(Map.of("id", "b1", "type", "bye"));
    onA.awaitClose(WAIT);
    b.login("a new tab, on B", "smith", "Dr. Smith").ping();
    assertThat(a.get("/metrics", null).body()).contains("baton_limit_rejections_total{limit=\"sessions_per_user\"} 1.0");
  }
}
