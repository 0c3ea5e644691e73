package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.RawWebSocket;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A half-open connection: a peer that did the WebSocket upgrade and sent {@code hello}, then went
 * silent without closing its socket (a laptop lid shut, a NAT that dropped the mapping). It never
 * reads and never answers pings. The server must notice within {@code pingInterval + pingTimeout}
 * (here 1 s + 1 s), with a second of slack, and put the session into its grace: the other members see
 * it {@code away}.
 *
 * <p>The raw socket's one frame is a {@code hello} that resumes the session of an open tab that is a
 * member of the record, so the silent peer is a member without sending a second frame; the tab it
 * replaced is closed with 4009.
 */
class HalfOpenConnectionTest {

  private static final String RESOURCE = "operation-report:42:diagnosis";

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.builder().lock("30s", "5s", "5s").ping("1s", "1s").start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSilentPeerIsSeenAwayWithinPingIntervalPlusPingTimeoutPlusOneSecond() throws Exception {
    String smithJwt = server.token("smith", "Dr. Smith", "clinician");
    TestClient smith = server.connect("Dr. Smith");
    smith.hello(smithJwt);
    smith.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "edit"));
    TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane", "clinician");
    jane.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "view"));

    try (RawWebSocket raw = RawWebSocket.connect(server)) {
      raw.sendText(new ObjectMapper().writeValueAsString(
          Map.of("id", "h1", "type", "hello", "token", smithJwt, "resume", smith.resumeToken())));
      long sentAt = System.nanoTime();
      // From here on the raw socket neither reads nor answers pings.

      assertThat(smith.awaitClose(Duration.ofSeconds(3)).code())
          .as("the hello on the raw socket resumed Smith's session: the old tab is closed 4009").isEqualTo(4009);

      Duration budget = Duration.ofSeconds(1 + 1 + 1);
      JsonNode away;
      try {
        away = jane.awaitEvent("presence.changed", e -> isSmithAway(e, smith.sessionId()),
            budget.minusNanos(System.nanoTime() - sentAt));
      } catch (AssertionError late) {
        // Say how late: wait longer, only to measure.
        JsonNode eventually = jane.awaitEvent("presence.changed", e -> isSmithAway(e, smith.sessionId()),
            Duration.ofSeconds(60));
        throw new AssertionError("the silent peer was seen away only after "
            + (System.nanoTime() - sentAt) / 1_000_000 + " ms (budget: pingInterval 1 s + pingTimeout 1 s + 1 s"
            + " = " + budget.toMillis() + " ms): " + eventually);
      }
      System.out.printf("HalfOpenConnectionTest: away after %d ms (budget %d ms)%n",
          (System.nanoTime() - sentAt) / 1_000_000, budget.toMillis());
      assertThat(away.path("resource").asText()).isEqualTo(RESOURCE);
      jane.awaitEvent("lock.state", e -> e.path("lock").path("inGrace").asBoolean(false), Duration.ofSeconds(1));
      server.assertTokensPrivate();
    }
  }

  private static boolean isSmithAway(JsonNode e, String sessionId) {
    return e.path("member").path("sessionId").asText().equals(sessionId)
        && e.path("member").path("status").asText().equals("away");
  }
}
