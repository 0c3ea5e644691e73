package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestClient.Closed;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BatonServer#stop} drains (SPEC section 3, {@code server.draining}): every client, whether
 * it has said hello or not, gets {@code server.draining {reconnectInMs}} and then close 1012.
 */
class ServerDrainingTest {

  @Test
  void everyClientIsToldToReconnectAndClosedWith1012() {
    try (TestServer server = TestServer.start()) {
      TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
      smith.expect("joined", "join", Map.of("resource", "operation-report:42", "mode", "edit"));
      TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane", "clinician");
      jane.expect("joined", "join", Map.of("resource", "operation-report:42", "mode", "view"));
      TestClient newcomer = server.connect("no hello yet");

      server.stop();

      for (TestClient c : List.of(smith, jane, newcomer)) {
        Closed closed = c.awaitClose(Duration.ofSeconds(5));
        assertThat(closed.code()).as("%s closed with %s", c.label(), closed).isEqualTo(1012);
        List<JsonNode> draining = c.eventsOf("server.draining");
        assertThat(draining).as("%s got server.draining; all: %s", c.label(), c.messages()).hasSize(1);
        JsonNode d = draining.get(0);
        assertThat(d.path("reconnectInMs").isIntegralNumber()).as("%s", d).isTrue();
        assertThat(d.path("reconnectInMs").asLong()).as("%s", d).isBetween(0L, 5_000L);
        List<JsonNode> all = c.messages();
        assertThat(all.get(all.size() - 1).path("type").asText()).as("server.draining is the last message")
            .isEqualTo("server.draining");
      }
      server.assertTokensPrivate();
    }
  }

  @Test
  void stopReturnsOnceTheServerIsDown() {
    try (TestServer server = TestServer.start()) {
      server.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
      Duration took = server.stop();
      assertThat(took).as("stop() took %s", took).isLessThan(Duration.ofSeconds(5));
      assertThat(server.accepting()).as("the port still accepts after stop()").isFalse();
    }
  }
}
