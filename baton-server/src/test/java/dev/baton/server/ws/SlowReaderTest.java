package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.RawWebSocket;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.outboundQueueBytes}: a client that stops reading while a busy record fans out events
 * to it is disconnected (4010) once its outbound queue passes the bound, and meanwhile the other
 * clients' round trips keep completing at their usual pace.
 *
 * <p>The slow reader is a raw socket with a 4 KiB receive buffer that says hello, joins the record
 * and then never reads again. A busy editor leaves and re-joins the record in a loop; its display
 * name is 2,000 characters, so every presence event is over 2 KB. A probe on another record pings
 * once per loop. The probe's round trips are measured first without the slow reader (baseline) and
 * then with it, until it is cut off; the median with it must stay within a generous factor of the
 * baseline (both under the same busy load; no absolute timing).
 */
class SlowReaderTest {

  private static final String RECORD = "operation-report:7:main";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BASELINE_ROUNDS = 300;
  private static final long MAX_STUCK_NANOS = Duration.ofSeconds(90).toNanos();

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.builder()
        .limit("outboundQueueBytes", "65536")
        .limit("messagesPerSecond", "100000").limit("messageBurst", "100000")
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedWithoutSlowingOthers() throws Exception {
    TestClient busy = server.connect("busy editor", false);
    busy.hello(server.token("busy", "B".repeat(2000)));
    TestClient probe = server.login("probe", "probe", "Probe");
    probe.expect("joined", "join", Map.of("resource", "operation-report:8:main", "mode", "view"));

    List<Long> baseline = new ArrayList<>();
    for (int i = 0; i < BASELINE_ROUNDS; i++) {
      baseline.add(round(busy, probe));
    }

    try (RawWebSocket slow = RawWebSocket.connect(server, 4096)) {
      String slowSession = sayHelloAndJoin(slow);
      // From here on the slow reader reads nothing.
      List<Long> withSlowReader = new ArrayList<>();
      long start = System.nanoTime();
      while (!away(slowSession)) {
        assertThat(System.nanoTime() - start).as("the slow reader is still connected after %d rounds",
            withSlowReader.size()).isLessThan(MAX_STUCK_NANOS);
        for (int i = 0; i < 50; i++) {
          withSlowReader.add(round(busy, probe));
        }
      }

      long before = median(baseline);
      long during = median(withSlowReader);
      System.out.printf("SlowReaderTest: cut off after %d rounds; probe ping median %d us without the slow"
          + " reader, %d us with it%n", withSlowReader.size(), before / 1000, during / 1000);
      assertThat(during).as("probe ping median with a stuck reader (ns), against the baseline %d ns", before)
          .isLessThan(10 * before + Duration.ofMillis(5).toNanos());
      assertThat(server.get("/metrics", null).body())
          .contains("baton_limit_rejections_total{limit=\"outbound_queue\"} 1.0");

      RawWebSocket.Frame last = slow.readUntilClose(Duration.ofSeconds(60));
      if (last != null) {
        assertThat(last.closeCode()).as("close code after the queued events").isEqualTo(4010);
      }
      busy.ping();
      probe.ping();
    }
  }

  /** One leave and re-join of the busy record (two presence events to every member), and one probe ping. */
  private static long round(TestClient busy, TestClient probe) {
    busy.expect("left", "leave", Map.of("resource", RECORD));
    busy.expect("joined", "join", Map.of("resource", RECORD, "mode", "view"));
    long t = System.nanoTime();
    probe.ping();
    return System.nanoTime() - t;
  }

  /** Says hello and joins the busy record, reading until both replies came; returns the session id. */
  private String sayHelloAndJoin(RawWebSocket slow) throws Exception {
    slow.sendText(JSON.writeValueAsString(Map.of("id", "h", "type", "hello",
        "token", server.token("slow", "Slow reader"))));
    String sessionId = replyTo(slow, "h").path("sessionId").asText();
    slow.sendText(JSON.writeValueAsString(Map.of("id", "j", "type", "join", "resource", RECORD)));
    assertThat(replyTo(slow, "j").path("type").asText()).isEqualTo("joined");
    return sessionId;
  }

  private static JsonNode replyTo(RawWebSocket slow, String id) throws Exception {
    while (true) {
      RawWebSocket.Frame f = slow.readFrame(Duration.ofSeconds(5));
      assertThat(f).as("a frame before the reply to %s", id).isNotNull();
      JsonNode m = JSON.readTree(f.text());
      if (id.equals(m.path("re").asText(null))) {
        return m;
      }
    }
  }

  private boolean away(String sessionId) {
    for (JsonNode m : server.resourceState(RECORD).path("presence").path("members")) {
      if (m.path("sessionId").asText().equals(sessionId)) {
        return m.path("status").asText().equals("away");
      }
    }
    return true;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
