package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.identity.Access;
import dev.baton.core.time.FakeClock;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token expiry during a session over a real WebSocket (docs/protocol.md "Token expiry"): tokens that
 * live 7 s (so {@code auth.expiring} comes after about 3 s and the close at their {@code exp}),
 * {@code auth.refresh} with the same user, another user, a bad token, and a narrower resources claim.
 */
class TokenRefreshTest {

  private static final String RESOURCE = "operation-report:42:diagnosis";
  private static final Duration SHORT = Duration.ofSeconds(7);
  private static final Duration WAIT = Duration.ofSeconds(15);

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.builder().disconnectGrace("30s").start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anExpiringTokenIsWarnedOnceThenClosedWith4001AndItsSessionWaitsOutItsGrace() {
    TestClient smith = server.connect("Dr. Smith");
    long helloAt = System.currentTimeMillis();
    smith.hello(server.token("smith", "Dr. Smith", List.of(), null, SHORT));
    smith.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "edit"));
    TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane");
    jane.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "view"));

    JsonNode expiring = smith.awaitEvent("auth.expiring", WAIT);
    long expiresAt = expiring.path("expiresAt").asLong();
    assertThat(expiresAt).as("the token's exp (whole seconds)").isBetween(helloAt + 5_000, helloAt + SHORT.toMillis() + 1_000);
    assertThat(expiring.path("remainingMs").asLong()).isPositive().isLessThanOrEqualTo(expiresAt - helloAt);

    TestClient.Closed closed = smith.awaitClose(WAIT);
    assertThat(closed.code()).isEqualTo(4001);
    assertThat(closed.reason()).isEqualTo("token expired");
    assertThat(System.currentTimeMillis()).as("not closed before exp").isGreaterThanOrEqualTo(expiresAt);
    assertThat(smith.eventsOf("auth.expiring")).as("warned once").hasSize(1);

    jane.awaitEvent("presence.changed", e -> e.path("member").path("sessionId").asText().equals(smith.sessionId())
        && e.path("member").path("status").asText().equals("away"), WAIT);
    TestClient back = server.connect("Dr. Smith, with a new token");
    JsonNode welcome = back.hello(server.token("smith", "Dr. Smith"), smith.resumeToken());
    assertThat(welcome.path("resumed").asBoolean()).as("resumed within the grace, as after a drop").isTrue();
    assertThat(welcome.path("sessionId").asText()).isEqualTo(smith.sessionId());
    assertThat(server.get("/metrics", null).body()).contains("baton_token_expiries_total 1.0");
  }

  @Test
  void aRefreshBeforeExpiryKeepsTheConnectionPastTheOldExp() {
    TestClient smith = server.connect("Dr. Smith");
    smith.hello(server.token("smith", "Dr. Smith", List.of(), null, SHORT));
    long oldExpiresAt = smith.awaitEvent("auth.expiring", WAIT).path("expiresAt").asLong();

    JsonNode refreshed = smith.expect("auth.refreshed", "auth.refresh",
        Map.of("token", server.token("smith", "Dr. Smith", "admin")));
    assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(oldExpiresAt + 3_000_000);
    assertThat(refreshed.path("user").path("roles").get(0).asText()).isEqualTo("admin");

    await().atMost(WAIT).until(() -> System.currentTimeMillis() > oldExpiresAt + 1_000);
    smith.ping();
    assertThat(smith.isClosed()).isFalse();
    assertThat(smith.eventsOf("auth.expiring")).hasSize(1);
  }

  @Test
  void aRefreshedShortTokenIsWarnedAgainWithItsOwnExpiry() {
    TestClient smith = server.connect("Dr. Smith");
    smith.hello(server.token("smith", "Dr. Smith", List.of(), null, SHORT));
    long first = smith.awaitEvent("auth.expiring", WAIT).path("expiresAt").asLong();

    long refreshedUntil = smith.expect("auth.refreshed", "auth.refresh",
        Map.of("token", server.token("smith", "Dr. Smith", List.of(), null, Duration.ofSeconds(12))))
        .path("expiresAt").asLong();
    JsonNode second = smith.awaitEvent("auth.expiring", WAIT);

    assertThat(refreshedUntil).isGreaterThan(first);
    assertThat(second.path("expiresAt").asLong()).isEqualTo(refreshedUntil);
    assertThat(server.get("/metrics", null).body()).contains("baton_token_refreshes_total{result=\"ok\"} 1.0");
  }

  @Test
  void aTokenOfAnotherUserOrABadTokenIsRefusedAndChangesNothing() {
    TestClient smith = server.connect("Dr. Smith");
    smith.hello(server.token("smith", "Dr. Smith", List.of(), Map.of("operation-report:*", Access.VIEW),
        Duration.ofHours(1)));

    JsonNode foreign = smith.expectError("FORBIDDEN", "auth.refresh", Map.of("token", server.token("jane", "Nurse Jane")));
    assertThat(foreign.path("message").asText()).contains("another user");
    smith.expectError("UNAUTHENTICATED", "auth.refresh", Map.of("token", "not-a-jwt"));
    String expired = TokenMinter.withSecret(TestServer.SECRET, null, null,
            new FakeClock(0, System.currentTimeMillis() - Duration.ofHours(2).toMillis()))
        .mint(new TokenRequest("smith", "Dr. Smith", List.of(), null, Duration.ofHours(1)));
    smith.expectError("UNAUTHENTICATED", "auth.refresh", Map.of("token", expired));
    // Expired 10 s ago: inside the verifier's clock-skew tolerance, still no refresh (it would swap
    // the live one-hour token for a dead one and close the connection 5 s later).
    String justExpired = TokenMinter.withSecret(TestServer.SECRET, null, null,
            new FakeClock(0, System.currentTimeMillis() - Duration.ofSeconds(70).toMillis()))
        .mint(new TokenRequest("smith", "Dr. Smith", List.of(), null, Duration.ofMinutes(1)));
    smith.expectError("UNAUTHENTICATED", "auth.refresh", Map.of("token", justExpired));

    assertThat(smith.isClosed()).isFalse();
    smith.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "view"));
    smith.expectError("FORBIDDEN", "lock.acquire", Map.of("resource", RESOURCE));
    assertThat(smith.welcome().path("user").path("id").asText()).isEqualTo("smith");
    assertThat(server.get("/metrics", null).body())
        .contains("baton_token_refreshes_total{result=\"FORBIDDEN\"} 1.0")
        .contains("baton_token_refreshes_total{result=\"UNAUTHENTICATED\"} 3.0");
  }

  @Test
  void aNarrowerResourcesClaimAppliesToLaterCommands() {
    TestClient smith = server.connect("Dr. Smith");
    smith.hello(server.token("smith", "Dr. Smith"));
    smith.expect("joined", "join", Map.of("resource", "operation-report:1:main", "mode", "view"));

    smith.expect("auth.refreshed", "auth.refresh", Map.of("token", server.token("smith", "Dr. Smith", List.of(),
        Map.of("operation-report:1", Access.VIEW), Duration.ofHours(1))));

    smith.expectError("FORBIDDEN", "lock.acquire", Map.of("resource", "operation-report:1:main"));
    smith.expectError("FORBIDDEN", "join", Map.of("resource", "operation-report:2:main", "mode", "view"));
    smith.expect("joined", "join", Map.of("resource", "operation-report:1:other", "mode", "view"));
  }
}
