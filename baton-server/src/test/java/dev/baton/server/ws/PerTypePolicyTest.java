package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, item 3 over real sockets: a type that overrides every policy field gets each of them in
 * {@code joined.policy} (all the fields of protocol.md section 9), and the engine applies the type's
 * values (expiry warning, lock TTL, joins per session, the shortest heartbeat in {@code welcome}),
 * while a type without overrides keeps the default policy.
 */
class PerTypePolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NOTE = "quick-note:n1:main";
  static final String REPORT = "operation-report:r1:diagnosis";

  private TestServer server;

  @BeforeEach
  void start() {
    // default: lock TTL 3 s, heartbeat 1 s, grace 2 s, expiry warning 1.5 s (TestServer's)
    server = TestServer.builder()
        .policy("quick-note", "lockTtl", "6s")
        .policy("quick-note", "heartbeatInterval", "500ms")
        .policy("quick-note", "disconnectGrace", "4s")
        .policy("quick-note", "expiryWarning", "5s")
        .policy("quick-note", "maxLocksPerUserPerDocument", "2")
        .policy("quick-note", "maxViewers", "3")
        .policy("quick-note", "maxJoinsPerSession", "2")
        .policy("quick-note", "conflict", "queue")
        .policy("quick-note", "takeover.mode", "immediate")
        .policy("quick-note", "takeover.timeout", "7s")
        .policy("quick-note", "takeover.allowDecline", "true")
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void joinedPolicyCarriesEveryOverriddenFieldAndTheDefaultsElsewhere() throws Exception {
    TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith", "clinician");

    JsonNode note = smith.expect("joined", "join", Map.of("resource", NOTE, "mode", "view")).path("policy");
    JsonNode report = smith.expect("joined", "join", Map.of("resource", REPORT, "mode", "view")).path("policy");

    assertThat(note).isEqualTo(JSON.readTree("""
        {"lockTtlMs":6000,"heartbeatIntervalMs":500,"disconnectGraceMs":4000,"expiryWarningMs":5000,
         "maxLocksPerUserPerDocument":2,"maxViewers":3,"maxJoinsPerSession":2,"conflict":"queue",
         "takeover":{"mode":"immediate","timeoutMs":7000,"allowDecline":true}}"""));
    assertThat(report).isEqualTo(JSON.readTree("""
        {"lockTtlMs":3000,"heartbeatIntervalMs":1000,"disconnectGraceMs":2000,"expiryWarningMs":1500,
         "maxLocksPerUserPerDocument":5,"maxViewers":null,"maxJoinsPerSession":200,"conflict":"deny",
         "takeover":{"mode":"request","timeoutMs":30000,"allowDecline":false}}"""));
    assertThat(smith.welcome().path("heartbeatMs").asLong())
        .as("welcome.heartbeatMs is the shortest interval of all policies: the type's")
        .isEqualTo(500);
  }

  @Test
  void theTypesLockTtlAndExpiryWarningApplyToItsLocksOnly() {
    TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
    smith.expect("joined", "join", Map.of("resource", NOTE, "mode", "view"));
    smith.expect("joined", "join", Map.of("resource", REPORT, "mode", "view"));

    JsonNode noteLock = smith.expect("lock.granted", "lock.acquire", Map.of("resource", NOTE));
    JsonNode reportLock = smith.expect("lock.granted", "lock.acquire", Map.of("resource", REPORT));
    assertThat(noteLock.path("remainingMs").asLong()).as("%s", noteLock).isBetween(5_000L, 6_000L);
    assertThat(reportLock.path("remainingMs").asLong()).as("%s", reportLock).isBetween(2_000L, 3_000L);

    // No heartbeat: each lock warns once, when less than its own type's expiryWarning remains.
    JsonNode noteWarning = smith.awaitEvent("lock.expiring", e -> e.path("resource").asText().equals(NOTE),
        Duration.ofSeconds(5));
    JsonNode reportWarning = smith.awaitEvent("lock.expiring", e -> e.path("resource").asText().equals(REPORT),
        Duration.ofSeconds(5));
    assertThat(noteWarning.path("remainingMs").asLong())
        .as("the note's warning comes with up to 5 s left, far earlier than the default 1.5 s: %s", noteWarning)
        .isBetween(1_501L, 5_000L);
    assertThat(reportWarning.path("remainingMs").asLong()).as("%s", reportWarning).isBetween(0L, 1_500L);
  }

  @Test
  void theTypesJoinLimitCountsTheSessionsMembershipsAndOtherTypesKeepTheDefault() {
    TestClient smith = server.login("Dr. Smith", "smith", "Dr. Smith", "clinician");
    smith.expect("joined", "join", Map.of("resource", "quick-note:n1", "mode", "view"));
    smith.expect("joined", "join", Map.of("resource", "quick-note:n2", "mode", "view"));

    JsonNode refused = smith.expectError("JOIN_LIMIT", "join", Map.of("resource", "quick-note:n3", "mode", "view"));
    assertThat(refused.path("limit").asInt()).as("%s", refused).isEqualTo(2);

    for (int i = 0; i < 3; i++) {
      smith.expect("joined", "join", Map.of("resource", "operation-report:r" + i + ":diagnosis", "mode", "view"));
    }
  }
}
