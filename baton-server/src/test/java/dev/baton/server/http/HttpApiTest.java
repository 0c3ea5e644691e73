package dev.baton.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.protocol.CommandParser;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import dev.baton.server.testing.TestServer.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 4 over real HTTP (JDK {@link java.net.http.HttpClient}) against a started server, with
 * the locks made over real WebSockets.
 */
class HttpApiTest {

  private static TestServer server;
  private static int counter;

  @BeforeAll
  static void start() {
    // A lock TTL long enough that nothing expires while a test runs.
    server = TestServer.builder().lock("60s", "10s", "5s").start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void tokensStayPrivate() {
    server.assertTokensPrivate();
  }

  /** A fresh document id per test, so tests do not see each other's locks. */
  private static String doc() {
    return "operation-report:http" + (++counter);
  }

  private static TestClient editing(String user, String name, String resource) {
    TestClient c = server.login(name, user, name, "clinician");
    JsonNode joined = c.expect("joined", "join", Map.of("resource", resource, "mode", "edit"));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("editor");
    return c;
  }

  private static long token(TestClient holder, String resource) {
    JsonNode granted = holder.expect("lock.granted", "lock.acquire", Map.of("resource", resource));
    return granted.path("token").asLong();
  }

  @Test
  void resourceStateShowsTheLockWithItsTokenToTheService() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long token = token(smith, r);
    TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane");
    jane.expect("joined", "join", Map.of("resource", r, "mode", "view"));

    Response res = server.get("/v1/resources/" + r, server.serviceToken());

    assertThat(res.status()).as(res.body()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.path("resource").asText()).isEqualTo(r);
    assertThat(body.path("lock").path("token").asLong()).as("the service sees the token").isEqualTo(token);
    assertThat(body.path("lock").path("holder").path("userId").asText()).isEqualTo("smith");
    assertThat(body.path("lock").path("holder").path("name").asText()).isEqualTo("Dr. Smith");
    assertThat(body.path("lock").path("holder").path("sessionId").asText()).isEqualTo(smith.sessionId());
    assertThat(body.path("lock").path("remainingMs").asLong()).isBetween(1L, 60_000L);
    assertThat(body.path("presence").path("members")).hasSize(2);
  }

  @Test
  void resourceStateOfATwoPartIdIsTheMainChild() {
    String d = doc();
    TestClient smith = editing("smith", "Dr. Smith", d);
    long token = token(smith, d);

    JsonNode body = server.resourceState(d);

    assertThat(body.path("resource").asText()).isEqualTo(d + ":main");
    assertThat(body.path("lock").path("token").asLong()).isEqualTo(token);
  }

  @Test
  void resourceStateOfAnUnknownResourceIsFree() {
    JsonNode body = server.resourceState(doc() + ":nobody-here");
    assertThat(body.path("lock").path("holder").isNull()).as("%s", body).isTrue();
  }

  @Test
  void anInvalidResourceIdIsA400() {
    Response res = server.get("/v1/resources/NOT-A-TYPE:1", server.serviceToken());
    assertThat(res.status()).as(res.body()).isEqualTo(400);
    assertThat(res.json().path("code").asText()).isEqualTo("INVALID_RESOURCE");
  }

  @Test
  void documentStateListsEveryActiveChild() {
    String d = doc();
    TestClient smith = editing("smith", "Dr. Smith", d + ":diagnosis");
    long token = token(smith, d + ":diagnosis");
    TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane");
    jane.expect("joined", "join", Map.of("resource", d + ":history", "mode", "view"));

    Response res = server.get("/v1/documents/" + d, server.serviceToken());

    assertThat(res.status()).as(res.body()).isEqualTo(200);
    List<String> children = new ArrayList<>();
    JsonNode diagnosis = null;
    for (JsonNode c : res.json().path("children")) {
      children.add(c.path("resource").asText());
      if (c.path("resource").asText().equals(d + ":diagnosis")) {
        diagnosis = c;
      }
    }
    assertThat(children).containsExactlyInAnyOrder(d + ":diagnosis", d + ":history");
    assertThat(diagnosis.path("lock").path("token").asLong()).isEqualTo(token);
  }

  @Test
  void aUsersLocksAreListed() {
    String d = doc();
    TestClient smith = editing("smith-locks", "Dr. Smith", d + ":a");
    long a = token(smith, d + ":a");
    smith.expect("joined", "join", Map.of("resource", d + ":b", "mode", "edit"));
    long b = token(smith, d + ":b");

    Response res = server.get("/v1/users/smith-locks/locks", server.serviceToken());

    assertThat(res.status()).as(res.body()).isEqualTo(200);
    assertThat(res.json().path("userId").asText()).isEqualTo("smith-locks");
    List<String> resources = new ArrayList<>();
    List<Long> tokens = new ArrayList<>();
    for (JsonNode l : res.json().path("locks")) {
      resources.add(l.path("resource").asText());
      tokens.add(l.path("lock").path("token").asLong());
    }
    assertThat(resources).containsExactlyInAnyOrder(d + ":a", d + ":b");
    assertThat(tokens).containsExactlyInAnyOrder(a, b);

    Response nobody = server.get("/v1/users/nobody-at-all/locks", server.serviceToken());
    assertThat(nobody.status()).isEqualTo(200);
    assertThat(nobody.json().path("locks")).isEmpty();
  }

  @Test
  void verifyAcceptsTheCurrentHoldersToken() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long token = token(smith, r);

    Response res = server.verify(r, token);

    assertThat(res.status()).as(res.body()).isEqualTo(200);
    assertThat(res.json().path("valid").asBoolean()).isTrue();
    assertThat(res.json().path("holder").path("userId").asText()).isEqualTo("smith");
    assertThat(res.json().path("expiresAt").isIntegralNumber()).isTrue();
  }

  @Test
  void verifyRefusesAReleasedToken() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long token = token(smith, r);
    smith.expect("lock.released", "lock.release", Map.of("resource", r));

    Response res = server.verify(r, token);

    assertThat(res.status()).as(res.body()).isEqualTo(409);
    assertThat(res.json().path("valid").asBoolean(true)).isFalse();
    assertThat(res.json().path("reason").asText()).isEqualTo("released");
  }

  @Test
  void verifyRefusesASupersededToken() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long first = token(smith, r);
    smith.expect("lock.released", "lock.release", Map.of("resource", r));
    TestClient jane = editing("jane", "Nurse Jane", r);
    long second = token(jane, r);
    assertThat(second).isGreaterThan(first);

    Response res = server.verify(r, first);

    assertThat(res.status()).as(res.body()).isEqualTo(409);
    assertThat(res.json().path("reason").asText()).isEqualTo("superseded");
    assertThat(res.json().path("lock").path("holder").path("userId").asText()).isEqualTo("jane");
  }

  @Test
  void verifyRefusesAnUnknownToken() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long token = token(smith, r);

    Response res = server.verify(r, token + 1_000_000);
    assertThat(res.status()).as(res.body()).isEqualTo(409);
    assertThat(res.json().path("reason").asText()).isEqualTo("unknown");

    Response never = server.verify(doc() + ":never-locked", 42);
    assertThat(never.status()).as(never.body()).isEqualTo(409);
    assertThat(never.json().path("reason").asText()).isEqualTo("unknown");
  }

  @Test
  void verifyRejectsAMalformedBody() {
    for (String body : List.of("{not json", "[]", "{\"resource\": \"document:1\"}",
        "{\"resource\": \"document:1\", \"token\": \"12\"}", "{\"token\": 12}",
        "{\"resource\": 7, \"token\": 12}")) {
      Response res = server.post("/v1/locks/verify", server.serviceToken(), body);
      assertThat(res.status()).as("verify %s: %s", body, res.body()).isEqualTo(400);
      assertThat(res.json().path("code").asText()).as("verify %s: %s", body, res.body()).isEqualTo("BAD_REQUEST");
    }
    Response bad = server.post("/v1/locks/verify", server.serviceToken(), "{\"resource\": \"a b\", \"token\": 1}");
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.json().path("code").asText()).isEqualTo("INVALID_RESOURCE");
  }

  @Test
  void withoutABearerTokenTheApiAnswers401() {
    for (String path : List.of("/v1/resources/document:1", "/v1/documents/document:1", "/v1/users/smith/locks")) {
      Response res = server.get(path, null);
      assertThat(res.status()).as("GET %s: %s", path, res.body()).isEqualTo(401);
      assertThat(res.json().path("code").asText()).isEqualTo("UNAUTHENTICATED");
      Response garbage = server.get(path, "not-a-jwt");
      assertThat(garbage.status()).as("GET %s with a bad token: %s", path, garbage.body()).isEqualTo(401);
    }
    Response verify = server.post("/v1/locks/verify", null, "{\"resource\": \"document:1\", \"token\": 1}");
    assertThat(verify.status()).as(verify.body()).isEqualTo(401);
  }

  @Test
  void aClinicianWithoutTheServiceRoleGets403() {
    String clinician = server.token("smith", "Dr. Smith", "clinician");
    for (String path : List.of("/v1/resources/document:1", "/v1/documents/document:1", "/v1/users/smith/locks")) {
      Response res = server.get(path, clinician);
      assertThat(res.status()).as("GET %s: %s", path, res.body()).isEqualTo(403);
      assertThat(res.json().path("code").asText()).isEqualTo("FORBIDDEN");
    }
    Response verify = server.post("/v1/locks/verify", clinician, "{\"resource\": \"document:1\", \"token\": 1}");
    assertThat(verify.status()).as(verify.body()).isEqualTo(403);
  }

  @Test
  void anAdminMayUseTheApi() {
    Response res = server.get("/v1/resources/document:1", server.token("root", "Admin", "admin"));
    assertThat(res.status()).as(res.body()).isEqualTo(200);
  }

  @Test
  void healthEndpointsAnswer200WithoutAToken() {
    Response live = server.get("/health/live", null);
    assertThat(live.status()).as(live.body()).isEqualTo(200);
    Response ready = server.get("/health/ready", null);
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
  }

  @Test
  void metricsExposeConnectionsLocksAndAcquireLatency() {
    String r = doc() + ":diagnosis";
    String before = server.get("/metrics", null).body();
    TestClient smith = editing("smith", "Dr. Smith", r);
    token(smith, r);
    TestClient jane = server.login("Nurse Jane", "jane", "Nurse Jane", "clinician");
    jane.expect("joined", "join", Map.of("resource", r, "mode", "view"));
    jane.expectError("LOCK_HELD", "lock.acquire", Map.of("resource", r));
    jane.expectError("LOCK_HELD", "lock.acquire", Map.of("resource", r));

    Response res = server.get("/metrics", null);

    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).contains("baton_connections", "baton_sessions", "baton_locks_held",
        "baton_lock_operations_total", "baton_lock_acquire_seconds_bucket");
    assertThat(metric(res.body(), "baton_connections")).as("open connections").isGreaterThanOrEqualTo(2.0);
    assertThat(metric(res.body(), "baton_sessions")).as("sessions").isGreaterThanOrEqualTo(2.0);
    assertThat(metric(res.body(), "baton_locks_held")).as("locks held").isGreaterThanOrEqualTo(1.0);
    // The tests of this class share one server: compare with the scrape before this test's operations.
    // smith's join with mode edit took the lock, then his lock.acquire granted again (idempotent).
    String ops = "baton_lock_operations_total";
    assertThat(metric(res.body(), ops, "operation", "join", "result", "ok")
        - metric(before, ops, "operation", "join", "result", "ok")).as("joins").isEqualTo(2.0);
    assertThat(metric(res.body(), ops, "operation", "acquire", "result", "ok")
        - metric(before, ops, "operation", "acquire", "result", "ok")).as("granted acquires").isEqualTo(1.0);
    assertThat(metric(res.body(), ops, "operation", "acquire", "result", "LOCK_HELD")
        - metric(before, ops, "operation", "acquire", "result", "LOCK_HELD")).as("refused acquires").isEqualTo(2.0);
    assertThat(metric(res.body(), "baton_lock_acquire_seconds_count")
        - metric(before, "baton_lock_acquire_seconds_count")).as("acquires timed, granted or not").isEqualTo(3.0);
  }

  private static double metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " not in /metrics");
  }

  /**
   * The value of the series {@code name} whose labels include every {@code label, value} pair given,
   * or 0 when there is none (a counter not yet incremented is not exposed).
   */
  private static double metric(String text, String name, String... labels) {
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      String labelText = line.substring(name.length() + 1, line.lastIndexOf('}'));
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= ("," + labelText + ",").contains("," + labels[i] + "=\"" + labels[i + 1] + "\",");
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void aForceReleaseReasonIsCappedLikeTheTakeoverReason() {
    String r = doc() + ":diagnosis";
    TestClient smith = editing("smith", "Dr. Smith", r);
    long token = token(smith, r);
    String admin = server.token("ops", "Ops", "admin");
    String tooLong = "x".repeat(CommandParser.MAX_TEXT_LENGTH + 1);

    Response body = server.delete("/v1/locks/" + r, admin, "{\"reason\": \"" + tooLong + "\"}");
    Response query = server.delete("/v1/locks/" + r + "?reason=" + tooLong, admin, null);

    for (Response res : List.of(body, query)) {
      assertThat(res.status()).as(res.body()).isEqualTo(400);
      assertThat(res.json().path("code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(res.json().path("message").asText()).isEqualTo("reason is longer than 500 characters");
    }
    assertThat(server.verify(r, token).json().path("valid").asBoolean()).as("the lock stays").isTrue();
    Response atTheCap = server.delete("/v1/locks/" + r, admin,
        "{\"reason\": \"" + "x".repeat(CommandParser.MAX_TEXT_LENGTH) + "\"}");
    assertThat(atTheCap.status()).as(atTheCap.body()).isEqualTo(200);
  }

  @Test
  void aLongDevTokenBodySentAsFormDataIsReadAsJson() throws Exception {
    StringBuilder res = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      res.append(i == 0 ? "" : ", ").append("\"operation-report:r").append(i).append(":*\": \"edit\"");
    }
    String body = "{\"userId\": \"smith\", \"name\": \"Dr. Smith\", \"res\": {" + res + "}}";
    assertThat(body.length()).isGreaterThan(1500);
    try (TestServer dev = TestServer.builder().dev(true).start()) {
      // what curl -d sends: the JSON text as application/x-www-form-urlencoded
      HttpResponse<String> minted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(dev.uri("/dev/token"))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
      String jwt = new ObjectMapper().readTree(minted.body()).path("token").asText();
      JsonNode welcome = dev.connect("Dr. Smith").hello(jwt);
      assertThat(welcome.path("user").path("id").asText()).isEqualTo("smith");
    }
  }

  @Test
  void devTokenDoesNotExistOutsideDevMode() {
    Response res = server.post("/dev/token", null, "{\"userId\": \"smith\"}");
    assertThat(res.status()).as(res.body()).isEqualTo(404);
  }

  @Test
  void devTokenMintsAWorkingTokenInDevMode() {
    try (TestServer dev = TestServer.builder().dev(true).start()) {
      Response res = dev.post("/dev/token", null,
          "{\"userId\": \"smith\", \"name\": \"Dr. Smith\", \"roles\": [\"clinician\"]}");
      assertThat(res.status()).as(res.body()).isEqualTo(200);
      String jwt = res.json().path("token").asText();
      JsonNode welcome = dev.connect("Dr. Smith").hello(jwt);
      assertThat(welcome.path("user").path("id").asText()).isEqualTo("smith");
      assertThat(welcome.path("user").path("name").asText()).isEqualTo("Dr. Smith");
      dev.assertTokensPrivate();
    }
  }
}
