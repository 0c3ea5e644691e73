package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.identity.Access;
import dev.baton.core.time.Clock;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.testing.RawWebSocket;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestClient.Closed;
import dev.baton.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPEC guarantee 7, "bad input never hurts others", over real WebSockets: each bad message gets an
 * {@code error} reply or a close with the stated code, and afterwards a bystander that was connected
 * all along still answers {@code ping} and still holds its lock with the same token.
 *
 * <p>The server's {@code helloTimeout} is 1 s here; lock TTLs are long so that nothing expires.
 */
class BadInputTest {

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private static TestServer server;
  private static int counter;

  private TestClient bystander;
  private String bystanderResource;
  private long bystanderToken;

  @BeforeAll
  static void start() {
    server = TestServer.builder().lock("60s", "10s", "5s").helloTimeout("1s").start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void bystanderHoldsALock() {
    bystanderResource = "operation-report:bystander" + (++counter) + ":diagnosis";
    bystander = server.login("bystander", "bystander" + counter, "Dr. Bystander", "clinician");
    JsonNode joined = bystander.expect("joined", "join", Map.of("resource", bystanderResource, "mode", "edit"));
    bystanderToken = joined.path("lock").path("token").asLong();
  }

  @AfterEach
  void bystanderIsUnaffected() {
    bystander.ping();
    assertThat(bystander.isClosed()).isFalse();
    JsonNode ack = bystander.heartbeat();
    assertThat(ack.path("locks")).hasSize(1);
    assertThat(ack.path("locks").get(0).path("token").asLong()).isEqualTo(bystanderToken);
    JsonNode state = server.resourceState(bystanderResource);
    assertThat(state.path("lock").path("token").asLong()).isEqualTo(bystanderToken);
    assertThat(state.path("lock").path("holder").path("sessionId").asText()).isEqualTo(bystander.sessionId());
    server.assertTokensPrivate();
    bystander.close();
  }

  private TestClient client() {
    return server.login("client", "user" + counter, "User " + counter, "clinician");
  }

  private static void assertError(JsonNode reply, String code, String re) {
    assertThat(reply.path("type").asText()).as("%s", reply).isEqualTo("error");
    assertThat(reply.path("code").asText()).as("%s", reply).isEqualTo(code);
    assertThat(reply.path("message").asText()).as("a message in %s", reply).isNotBlank();
    assertThat(reply.has("retryable")).as("retryable in %s", reply).isTrue();
    if (re == null) {
      assertThat(reply.has("re")).as("no re in %s", reply).isFalse();
    } else {
      assertThat(reply.path("re").asText()).as("re in %s", reply).isEqualTo(re);
    }
  }

  @Test
  void invalidJsonIsABadRequestAndTheConnectionStaysOpen() {
    TestClient c = client();
    c.sendRaw("{this is not json");
    JsonNode e = c.awaitEvent("error", Duration.ofSeconds(5));
    assertError(e, "BAD_REQUEST", null);
    c.ping();
    assertThat(c.isClosed()).isFalse();
  }

  @Test
  void aJsonValueThatIsNotAnObjectIsABadRequest() {
    TestClient c = client();
    for (String text : List.of("[]", "42", "\"hello\"", "null")) {
      c.sendRaw(text);
      assertError(c.awaitEvent("error", Duration.ofSeconds(5)), "BAD_REQUEST", null);
    }
    c.ping();
  }

  @Test
  void aResourceThatIsNotAStringIsRefusedWithRe() {
    TestClient c = client();
    JsonNode e = c.request("join", Map.of("resource", 5));
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isIn("BAD_REQUEST", "INVALID_RESOURCE");
    assertThat(e.path("re").isTextual()).as("re in %s", e).isTrue();
    c.ping();
  }

  @Test
  void aTokenThatIsNotANumberIsABadRequest() {
    TestClient c = client();
    c.expect("joined", "join", Map.of("resource", "document:bad-token-" + counter, "mode", "edit"));
    JsonNode e = c.request("lock.renew", Map.of("resource", "document:bad-token-" + counter, "token", "x"));
    assertThat(e.path("re").isTextual()).isTrue();
    assertError(e, "BAD_REQUEST", e.path("re").asText());
    c.ping();
  }

  @Test
  void anUnknownModeIsABadRequest() {
    TestClient c = client();
    JsonNode e = c.request("join", Map.of("resource", "document:mode-" + counter, "mode", "write"));
    assertError(e, "BAD_REQUEST", e.path("re").asText());
    assertThat(e.path("re").isTextual()).isTrue();
    c.ping();
  }

  @Test
  void aFlagThatIsNotABooleanIsABadRequest() {
    TestClient c = client();
    c.expect("joined", "join", Map.of("resource", "document:flag-" + counter, "mode", "view"));
    JsonNode e = c.request("lock.acquire", Map.of("resource", "document:flag-" + counter, "wait", "yes"));
    assertError(e, "BAD_REQUEST", e.path("re").asText());
    c.ping();
  }

  @Test
  void aMessageWithoutIdGetsAnErrorWithoutRe() {
    TestClient c = client();
    c.sendRaw("{\"type\": \"ping\"}");
    assertError(c.awaitEvent("error", Duration.ofSeconds(5)), "BAD_REQUEST", null);
    c.sendRaw("{\"id\": 7, \"type\": \"ping\"}");
    assertError(c.awaitEvent("error", Duration.ofSeconds(5)), "BAD_REQUEST", null);
    c.sendRaw("{\"id\": \"" + "x".repeat(65) + "\", \"type\": \"ping\"}");
    assertError(c.awaitEvent("error", Duration.ofSeconds(5)), "BAD_REQUEST", null);
    c.ping();
  }

  @Test
  void anUnknownTypeIsABadRequest() {
    TestClient c = client();
    JsonNode e = c.request("lock.steal", Map.of("resource", bystanderResource));
    assertError(e, "BAD_REQUEST", e.path("re").asText());
    assertThat(e.path("re").isTextual()).isTrue();
    c.sendRaw("{\"id\": \"no-type\"}");
    assertError(c.awaitReply("no-type"), "BAD_REQUEST", "no-type");
    c.ping();
  }

  @Test
  void aOneMebibyteFrameIsClosedWith1009() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(server)) {
      raw.sendText("{\"id\": \"h\", \"type\": \"hello\", \"token\": \""
          + server.token("user" + counter, "User", "clinician") + "\"}");
      RawWebSocket.Frame welcome = raw.readFrame(Duration.ofSeconds(5));
      assertThat(welcome.text()).contains("\"welcome\"");
      String big = "{\"id\": \"big\", \"type\": \"ping\", \"pad\": \"" + "x".repeat(1024 * 1024) + "\"}";
      try {
        raw.sendText(big);
      } catch (java.io.IOException e) {
        // The server may close while the frame is still being written; the close frame is what counts.
      }
      RawWebSocket.Frame close = raw.readUntilClose(CLOSE_TIMEOUT);
      assertThat(close).as("a close frame 1009; instead the connection ended: %s", raw.end()).isNotNull();
      assertThat(close.closeCode()).as("close code").isEqualTo(1009);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "a continuation frame without a start frame, true, 0",
      "a reserved data opcode, true, 3",
      "a reserved control opcode, true, 11",
  })
  void aFrameThatBreaksTheWebSocketProtocolIsClosedWith1002(String what, boolean fin, int opcode)
      throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(server)) {
      raw.sendText("{\"id\": \"h\", \"type\": \"hello\", \"token\": \""
          + server.token("user" + counter, "User", "clinician") + "\"}");
      assertThat(raw.readFrame(Duration.ofSeconds(5)).text()).contains("\"welcome\"");
      raw.sendFrame(fin, opcode, "{\"id\": \"p\", \"type\": \"ping\"}".getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame close = raw.readUntilClose(CLOSE_TIMEOUT);
      assertThat(close).as("a close frame after %s; instead the connection ended: %s", what, raw.end()).isNotNull();
      assertThat(close.closeCode()).as("close code after %s (not 1009: nothing was too big)", what).isEqualTo(1002);
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8IsClosedWith1007AndNotHandled() throws Exception {
    try (RawWebSocket raw = RawWebSocket.connect(server)) {
      raw.sendText("{\"id\": \"h\", \"type\": \"hello\", \"token\": \""
          + server.token("user" + counter, "User", "clinician") + "\"}");
      assertThat(raw.readFrame(Duration.ofSeconds(5)).text()).contains("\"welcome\"");
      byte[] ping = "{\"id\": \"p\u00ff\", \"type\": \"ping\"}".getBytes(StandardCharsets.ISO_8859_1); // 0xFF
      raw.sendFrame(true, 1, ping);
      RawWebSocket.Frame f = raw.readFrame(CLOSE_TIMEOUT);
      assertThat(f).as("a close frame; instead the connection ended: %s", raw.end()).isNotNull();
      assertThat(f.opcode()).as("no pong: %s", f.text()).isEqualTo(8);
      assertThat(f.closeCode()).isEqualTo(1007);
    }
  }

  @Test
  void aOneMebibyteMessageInSmallFragmentsIsClosedWith1009() {
    // The JDK client sends a large message as a series of small continuation frames, each below
    // maxFrameBytes: the message is still over the limit (SPEC 3: one message per frame, at most
    // maxFrameBytes).
    TestClient c = client();
    c.sendRaw("{\"id\": \"big\", \"type\": \"ping\", \"pad\": \"" + "x".repeat(1024 * 1024) + "\"}");
    Closed closed = c.awaitClose(CLOSE_TIMEOUT);
    assertThat(closed.code()).as("%s", closed).isEqualTo(1009);
  }

  @Test
  void aCommandBeforeHelloIsUnauthenticatedThenClosed4001() {
    TestClient c = server.connect("no hello");
    c.sendRaw("{\"id\": \"j1\", \"type\": \"join\", \"resource\": \"" + bystanderResource + "\", \"mode\": \"edit\"}");
    assertError(c.awaitReply("j1"), "UNAUTHENTICATED", "j1");
    assertThat(c.awaitClose(CLOSE_TIMEOUT).code()).isEqualTo(4001);
  }

  @Test
  void noHelloWithinTheHelloTimeoutIsClosed4001() {
    long start = System.nanoTime();
    TestClient c = server.connect("silent");
    Closed closed = c.awaitClose(Duration.ofSeconds(1 + 2));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(closed.code()).as("%s", closed).isEqualTo(4001);
    assertThat(elapsedMs).as("closed after the 1 s hello timeout, not before").isGreaterThanOrEqualTo(900);
  }

  @Test
  void invalidResourceIdsAreRefusedWithRe() {
    TestClient c = client();
    List<String> invalid = List.of("", "document", "document:", ":1", "document::x", "a:b:c:d",
        "Document:1", "1document:1", "document:1 2", "document:1\u0001", "document:\u00e9", "document:1:a b",
        "document:1:" + "c".repeat(65), "document:" + "i".repeat(129), "t".repeat(65) + ":1", "document:1:**");
    for (String id : invalid) {
      for (String type : List.of("join", "lock.acquire", "lock.release", "leave", "presence.sync")) {
        JsonNode e = c.request(type, Map.of("resource", id));
        assertThat(e.path("re").isTextual()).as("%s %s: %s", type, id, e).isTrue();
        assertThat(e.path("type").asText()).as("%s %s: %s", type, id, e).isEqualTo("error");
        assertThat(e.path("code").asText()).as("%s %s: %s", type, id, e).isEqualTo("INVALID_RESOURCE");
      }
    }
    c.ping();
  }

  @Test
  void aJwtWithAlgNoneIsUnauthenticatedThenClosed4001() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long exp = System.currentTimeMillis() / 1000 + 3600;
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"sub\":\"mallory\",\"name\":\"Mallory\",\"roles\":[\"admin\",\"service\"],"
        + "\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
    TestClient c = server.connect("alg none");
    JsonNode e = c.request("hello", Map.of("token", header + "." + claims + "."));
    assertError(e, "UNAUTHENTICATED", e.path("re").asText());
    assertThat(c.awaitClose(CLOSE_TIMEOUT).code()).isEqualTo(4001);
    assertThat(c.sessionId()).isNull();
  }

  @Test
  void anExpiredJwtIsUnauthenticatedThenClosed4001() {
    Clock twoHoursAgo = new Clock() {
      @Override
      public long monotonicNanos() {
        return System.nanoTime();
      }

      @Override
      public long wallMillis() {
        return System.currentTimeMillis() - Duration.ofHours(2).toMillis();
      }
    };
    String expired = TokenMinter.withSecret(TestServer.SECRET, null, null, twoHoursAgo)
        .mint(new TokenRequest("smith", "Dr. Smith", List.of("clinician"), null, Duration.ofHours(1)));
    TestClient c = server.connect("expired");
    JsonNode e = c.request("hello", Map.of("token", expired));
    assertError(e, "UNAUTHENTICATED", e.path("re").asText());
    assertThat(c.awaitClose(CLOSE_TIMEOUT).code()).isEqualTo(4001);
  }

  @Test
  void aJwtSignedWithAnotherSecretIsUnauthenticatedThenClosed4001() {
    String forged = TokenMinter.withSecret("another-secret-another-secret-another", null, null, Clock.system())
        .mint(new TokenRequest("smith", "Dr. Smith", List.of("admin"), Map.of("document:*", Access.EDIT),
            Duration.ofHours(1)));
    TestClient c = server.connect("forged");
    JsonNode e = c.request("hello", Map.of("token", forged));
    assertError(e, "UNAUTHENTICATED", e.path("re").asText());
    assertThat(c.awaitClose(CLOSE_TIMEOUT).code()).isEqualTo(4001);
  }

  @Test
  void anotherUsersResumeTokenOpensANewSessionAndLeavesTheVictimAlone() {
    String stolen = bystander.resumeToken();
    TestClient mallory = server.connect("mallory");
    JsonNode welcome = mallory.hello(server.token("mallory", "Mallory", "clinician"), stolen);

    assertThat(welcome.path("resumed").asBoolean(true)).as("%s", welcome).isFalse();
    assertThat(welcome.path("sessionId").asText()).isNotEqualTo(bystander.sessionId());
    assertThat(welcome.path("resources")).as("none of the victim's resources").isEmpty();
    assertThat(welcome.path("user").path("id").asText()).isEqualTo("mallory");
    JsonNode e = mallory.acquire(bystanderResource);
    assertError(e, "NOT_JOINED", e.path("re").asText());
    assertThat(bystander.isClosed()).as("the victim's connection was not closed (no 4009)").isFalse();
    // The victim's session and lock are checked after the test; its resume token also still works:
    bystander.ping();
    TestClient again = server.connect("bystander again");
    JsonNode resumed = again.hello(server.token("bystander" + counter, "Dr. Bystander", "clinician"), stolen);
    assertThat(resumed.path("resumed").asBoolean(false)).as("the victim's token still resumes: %s", resumed).isTrue();
    assertThat(resumed.path("sessionId").asText()).isEqualTo(bystander.sessionId());
    assertThat(bystander.awaitClose(CLOSE_TIMEOUT).code()).as("the old tab is closed 4009").isEqualTo(4009);
    bystander = again;
  }

  @Test
  void aSecondHelloIsABadRequest() {
    TestClient c = client();
    String sessionId = c.sessionId();
    JsonNode e = c.request("hello", Map.of("token", server.token("user" + counter, "User", "clinician")));
    assertError(e, "BAD_REQUEST", e.path("re").asText());
    assertThat(e.path("re").isTextual()).isTrue();
    c.ping();
    assertThat(c.sessionId()).isEqualTo(sessionId);
  }

  @Test
  void aBinaryFrameIsABadRequest() {
    TestClient c = client();
    c.sendBinary("{\"id\": \"b1\", \"type\": \"ping\"}".getBytes(StandardCharsets.UTF_8));
    assertError(c.awaitEvent("error", Duration.ofSeconds(5)), "BAD_REQUEST", null);
    c.ping();
    assertThat(c.isClosed()).isFalse();
  }

  @Test
  void deeplyNestedJsonIsABadRequest() {
    TestClient c = client();
    c.sendRaw("{\"id\": \"deep\", \"type\": \"ping\", \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
    JsonNode e = c.awaitEvent("error", Duration.ofSeconds(5));
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("BAD_REQUEST");
    c.ping();
  }
}
