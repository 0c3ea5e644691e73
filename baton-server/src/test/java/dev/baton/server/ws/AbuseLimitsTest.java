package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The abuse limits of docs/protocol.md "Limits", each over a real WebSocket: messages per connection
 * per second, sessions per user, joins per session, connections per node. (The bound on the outbound
 * queue has its own test, {@link SlowReaderTest}.) Every refusal is counted in {@code /metrics}.
 */
class AbuseLimitsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void messagesOverTheRateAreRefusedWithRetryAfterAndChangeNothing() {
    server = TestServer.builder().limit("messagesPerSecond", "1").limit("messageBurst", "2")
        .limit("rejectionsBeforeClose", "1000").start();
    TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith"); // the hello takes one of the two

    JsonNode refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      JsonNode reply = smith.request("join", Map.of("resource", "operation-report:" + i + ":main", "mode", "view"));
      if (reply.path("type").asText().equals("error")) {
        refused = reply;
        assertThat(server.resourceState("operation-report:" + i + ":main").path("presence").path("members"))
            .as("a refused join joins nothing").isEmpty();
      }
    }

    assertThat(refused).as("a reply RATE_LIMITED within 20 joins at 1/s").isNotNull();
    assertThat(refused.path("code").asText()).isEqualTo("RATE_LIMITED");
    assertThat(refused.path("retryable").asBoolean()).isTrue();
    assertThat(refused.path("scope").asText()).isEqualTo("messagesPerSecond");
    assertThat(refused.path("limit").asInt()).isEqualTo(1);
    assertThat(refused.path("retryAfterMs").asLong()).isBetween(1L, 1_000L);
    assertThat(smith.isClosed()).isFalse();
    assertThat(server.get("/metrics", null).body()).contains("baton_limit_rejections_total{limit=\"messages\"}");
  }

  @Test
  void aConnectionThatKeepsGoingOverTheRateIsClosedWith4008() {
    server = TestServer.builder().limit("messagesPerSecond", "1").limit("messageBurst", "2")
        .limit("rejectionsBeforeClose", "3").start();
    TestClient flood = server.login("flood", "mallory", "Mallory");
    TestClient bystander = server.login("bystander", "jane", "Nurse Jane");

    for (int i = 0; i < 50 && !flood.isClosed(); i++) {
      flood.sendRaw("{\"id\":\"p" + i + "\",\"type\":\"ping\"}");
    }

    TestClient.Closed closed = flood.awaitClose(WAIT);
    assertThat(closed.code()).isEqualTo(4008);
    assertThat(flood.messages()).filteredOn(m -> m.path("code").asText().equals("RATE_LIMITED")).hasSizeGreaterThanOrEqualTo(3);
    bystander.ping(); // its own bucket: the hello and this ping fit its burst of 2
    assertThat(server.get("/metrics", null).body()).contains("baton_limit_rejections_total{limit=\"messages_close\"} 1.0");
  }

  @Test
  void theDefaultLimitLetsABurstOfJoinsUpToMaxJoinsPerSessionThrough() {
    server = TestServer.start();
    TestClient tab = server.login("a tab rejoining everything after a reconnect", "smith", "Dr. Smith");

    for (int i = 0; i < 198; i++) { // with the hello and the heartbeat: 200, the default burst
      tab.sendRaw("{\"id\":\"j" + i + "\",\"type\":\"join\",\"resource\":\"operation-report:" + i + ":main\"}");
    }
    tab.heartbeat();

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(tab.messages()).filteredOn(m -> m.path("type").asText().equals("joined")).hasSize(198));
    assertThat(tab.messages()).filteredOn(m -> m.path("type").asText().equals("error")).isEmpty();
  }

  @Test
  void aHelloOverSessionsPerUserIsRefusedAndClosedWith4008() {
    // counted by the store: connected sessions and those inside their grace
    server = TestServer.builder().limit("sessionsPerUser", "2").start();
    TestClient first = server.login("tab 1", "smith", "Dr. Smith");
    server.login("tab 2", "smith", "Dr. Smith");

    TestClient third = server.connect("tab 3");
    JsonNode refused = third.expectError("RATE_LIMITED", "hello", Map.of("token", server.token("smith", "Dr. Smith")));
    assertThat(refused.path("scope").asText()).isEqualTo("sessionsPerUser");
    assertThat(refused.path("limit").asInt()).isEqualTo(2);
    assertThat(third.awaitClose(WAIT).code()).isEqualTo(4008);
    server.login("another user", "jane", "Nurse Jane");

    first.send(Map.of("id", "b1", "type", "bye"));
    first.awaitClose(WAIT);
    server.login("tab 3, again", "smith", "Dr. Smith"); // bye ended a session: its place is free
    assertThat(server.get("/metrics", null).body()).contains("baton_limit_rejections_total{limit=\"sessions_per_user\"}");
  }

  @Test
  void aJoinOverMaxJoinsPerSessionIsRefusedWithJoinLimit() {
    server = TestServer.builder().policy("note", "maxJoinsPerSession", "2").start();
    TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith");
    smith.expect("joined", "join", Map.of("resource", "note:1", "mode", "view"));
    smith.expect("joined", "join", Map.of("resource", "note:2", "mode", "view"));

    JsonNode refused = smith.expectError("JOIN_LIMIT", "join", Map.of("resource", "note:3", "mode", "view"));
    assertThat(refused.path("limit").asInt()).isEqualTo(2);
    smith.expect("joined", "join", Map.of("resource", "note:1", "mode", "view")); // joining again is idempotent
    assertThat(server.resourceState("note:3").path("presence").path("members")).isEmpty();
  }

  @Test
  void anUpgradeOverConnectionsPerNodeIsAnswered503() {
    server = TestServer.builder().limit("connectionsPerNode", "2").start();
    TestClient first = server.connect("first");
    server.connect("second");

    assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("baton.v1")
        .buildAsync(server.wsUri(), new WebSocket.Listener() {}).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(WebSocketHandshakeException.class)
        .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(503));
    assertThat(server.get("/metrics", null).body())
        .contains("baton_limit_rejections_total{limit=\"connections_per_node\"} 1.0");

    first.close();
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> server.login("third", "jane", "Nurse Jane").ping());
  }
}
