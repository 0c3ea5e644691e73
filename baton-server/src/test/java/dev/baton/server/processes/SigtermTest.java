package dev.baton.server.processes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.NodeProcess;
import dev.baton.server.testing.RawWebSocket;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestClient.Closed;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful shutdown of a real {@code baton serve} process (issue 2, item 9): SIGTERM makes the node
 * drain — each connected client gets {@code server.draining}, then close 1012 — and the process exits
 * by itself, before {@code serve}'s own 10 s stop timeout would end a stuck drain.
 *
 * <p>Measured here: 0.3 s with a client that answers the close; 5.2 s with one that never does (the
 * listener's shutdown waits half the stop timeout for it, then closes its socket).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SigtermTest {

  /** Well under serve's 10 s stop timeout: a drain of clients that answer the close takes a few hundred ms. */
  static final Duration EXIT_BOUND = Duration.ofSeconds(5);
  /** With a client that never answers the close: the listener's 5 s shutdown grace, and then some. */
  static final Duration SILENT_EXIT_BOUND = Duration.ofSeconds(8);

  @Test
  void sigtermDrainsTheClientsAndTheProcessExitsByItself() {
    try (NodeProcess node = NodeProcess.start("sigterm", TestServer.builder())) {
      TestClient smith = node.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
      smith.expect("joined", "join", Map.of("resource", "operation-report:42:diagnosis", "mode", "edit"));

      Duration exited = node.terminate(Duration.ofSeconds(30));
      System.out.printf("SigtermTest: exited %d ms after SIGTERM%n", exited.toMillis());

      Closed closed = smith.awaitClose(Duration.ofSeconds(5));
      assertThat(closed.code()).as("close: %s", closed).isEqualTo(1012);
      List<JsonNode> draining = smith.eventsOf("server.draining");
      assertThat(draining).as("messages: %s", smith.messages()).hasSize(1);
      assertThat(draining.get(0).path("reconnectInMs").asLong(-1)).isBetween(0L, 5_000L);
      assertThat(exited).as("the process exited %s after SIGTERM; log %s", exited, node.log())
          .isLessThan(EXIT_BOUND);
      assertThat(node.exitValue()).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
    }
  }

  @Test
  void aClientThatNeverAnswersTheCloseDoesNotHoldTheProcessUp() throws Exception {
    try (NodeProcess node = NodeProcess.start("sigterm-silent", TestServer.builder());
        RawWebSocket silent = RawWebSocket.connect(node.port(), 0)) {
      TestClient smith = node.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
      smith.expect("joined", "join", Map.of("resource", "operation-report:42:diagnosis", "mode", "edit"));
      silent.sendText("{\"id\":\"c1\",\"type\":\"hello\",\"token\":\"" + node.token("jane", "Nurse Jane")
          + "\"}");
      assertThat(silent.readFrame(Duration.ofSeconds(5)).text()).contains("\"type\":\"welcome\"");

      Duration exited = node.terminate(Duration.ofSeconds(30));
      System.out.printf("SigtermTest: with a silent client, exited %d ms after SIGTERM%n", exited.toMillis());

      assertThat(smith.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1012);
      assertThat(exited).as("the process exited %s after SIGTERM; log %s", exited, node.log())
          .isLessThan(SILENT_EXIT_BOUND);
    }
  }
}
