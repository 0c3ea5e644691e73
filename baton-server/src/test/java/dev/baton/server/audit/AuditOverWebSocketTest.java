package dev.baton.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.time.Clock;
import dev.baton.server.BatonServer;
import dev.baton.server.cli.BatonCli;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.ConfigException;
import dev.baton.server.config.Overrides;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * SPEC guarantee 2.6 end to end over real WebSockets and HTTP: a short scenario writes the expected
 * records in order, each one already in the file when the client gets the reply (or close) that
 * acknowledges it; the file verifies with {@code baton audit verify}; no JWT or resume token is in it.
 */
class AuditOverWebSocketTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPORT = "operation-report:42:diagnosis";

  private static List<JsonNode> records(Path file) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        out.add(JSON.readTree(line));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last record in the file right now, as (event, resource, userId, sessionId, token, actor, reason). */
  private static Tuple last(Path file) {
    List<JsonNode> all = records(file);
    return row(all.get(all.size() - 1));
  }

  private static Tuple row(JsonNode r) {
    return tuple(r.path("event").asText(), text(r.get("resource")), text(r.get("userId")),
        text(r.get("sessionId")), r.get("token").isNull() ? null : r.get("token").asLong(),
        text(r.get("actor")), text(r.get("reason")));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  @Test
  void aServerWhoseAuditFileEndsInGarbageRefusesToStartNamingTheKey(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("audit.jsonl"), "{\"not\": \"a record\"}\n");
    BatonConfig config = BatonConfig.load(null,
        Map.of("BATON_AUTH_HMAC_SECRET", TestServer.SECRET, "BATON_AUDIT_FILE", file.toString(),
            "BATON_STORE_TOKEN_FILE", dir.resolve("fencing-counter").toString()),
        Overrides.none());

    assertThatThrownBy(() -> new BatonServer(config, Clock.system()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("audit.file " + file + " cannot be used: the last line of ")
        .hasMessageContaining("baton audit verify");
  }

  @Test
  void aSecondNodeGivenTheSameAuditFileIsRefusedBeforeItListens() throws Exception {
    try (TestServer server = TestServer.start()) {
      Path file = server.config().audit().file();
      assertThatThrownBy(() -> new BatonServer(server.config(), Clock.system()))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("audit.file " + file + " cannot be used: another Baton node holds it")
          .hasMessageEndingWith("give each node its own audit.file")
          .hasMessageNotContaining("\n");

      TestClient smith = server.connect("smith");
      smith.hello(server.token("smith", "Dr. Smith"));
      assertThat(last(file)).as("the first node writes on").isEqualTo(
          tuple("session.start", null, "smith", smith.sessionId(), null, null, null));
    }
  }

  @Test
  void aScenarioIsAuditedInOrderBeforeEachAcknowledgementAndVerifies() throws Exception {
    try (TestServer server = TestServer.start()) {
      Path file = server.config().audit().file();
      String smithJwt = server.token("smith", "Dr. Smith");
      String janeJwt = server.token("jane", "Nurse Jane");
      String opsJwt = server.token("ops", "Ops", "admin");

      TestClient smith = server.connect("smith");
      smith.hello(smithJwt);
      String s = smith.sessionId();
      assertThat(last(file)).isEqualTo(tuple("session.start", null, "smith", s, null, null, null));

      TestClient jane = server.connect("jane");
      jane.hello(janeJwt);
      String j = jane.sessionId();
      assertThat(last(file)).isEqualTo(tuple("session.start", null, "jane", j, null, null, null));

      JsonNode joined = smith.join(REPORT, "edit");
      assertThat(joined.path("role").asText()).isEqualTo("editor");
      long t1 = joined.path("lock").path("token").asLong();
      List<JsonNode> now = records(file);
      assertThat(now.subList(now.size() - 2, now.size())).extracting(AuditOverWebSocketTest::row).containsExactly(
          tuple("join", REPORT, "smith", s, null, null, null),
          tuple("grant", REPORT, "smith", s, t1, null, null));

      assertThat(jane.join(REPORT, "view").path("type").asText()).isEqualTo("joined");
      assertThat(last(file)).isEqualTo(tuple("join", REPORT, "jane", j, null, null, null));

      jane.expectError("LOCK_HELD", "lock.acquire", Map.of("resource", REPORT));
      assertThat(last(file)).isEqualTo(tuple("denial", REPORT, "jane", j, null, null, "LOCK_HELD"));

      assertThat(smith.release(REPORT).path("type").asText()).isEqualTo("lock.released");
      assertThat(last(file)).isEqualTo(tuple("release", REPORT, "smith", s, t1, null, null));

      long t2 = jane.acquire(REPORT).path("token").asLong();
      assertThat(last(file)).isEqualTo(tuple("grant", REPORT, "jane", j, t2, null, null));

      TestServer.Response forced = server.delete("/v1/locks/" + REPORT, opsJwt, "{\"reason\":\"stuck lock\"}");
      assertThat(forced.status()).as(forced.body()).isEqualTo(200);
      now = records(file);
      assertThat(now.subList(now.size() - 2, now.size())).extracting(AuditOverWebSocketTest::row).containsExactly(
          tuple("revocation", REPORT, "jane", j, t2, "ops", "stuck lock"),
          tuple("force-release", REPORT, null, null, null, "ops", "stuck lock"));

      String firstResumeToken = jane.resumeToken();
      jane.abort();
      TestClient jane2 = server.connect("jane again");
      JsonNode welcome = jane2.hello(janeJwt, firstResumeToken);
      assertThat(welcome.path("resumed").asBoolean()).isTrue();
      assertThat(last(file)).isEqualTo(tuple("session.resume", null, "jane", j, null, null, null));

      smith.send(Map.of("id", "bye-1", "type", "bye"));
      assertThat(smith.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1000);
      now = records(file);
      assertThat(now.subList(now.size() - 2, now.size())).extracting(AuditOverWebSocketTest::row).containsExactly(
          tuple("leave", REPORT, "smith", s, null, null, "bye"),
          tuple("session.end", null, "smith", s, null, null, "bye"));

      List<JsonNode> all = records(file);
      assertThat(all).extracting(r -> r.path("event").asText()).containsExactly(
          "session.start", "session.start", "join", "grant", "join", "denial", "release", "grant",
          "revocation", "force-release", "session.resume", "leave", "session.end");
      assertThat(all).extracting(r -> r.path("seq").asLong())
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
      assertThat(all).allSatisfy(r -> assertThat(r.path("node").asText()).isNotBlank());

      String text = Files.readString(file, StandardCharsets.UTF_8);
      for (String secret : List.of(smithJwt, janeJwt, opsJwt, smith.resumeToken(),
          firstResumeToken, jane2.resumeToken())) {
        assertThat(text).doesNotContain(secret);
      }
      for (String jwt : List.of(smithJwt, janeJwt, opsJwt)) {
        for (String part : jwt.split("\\.")) {
          assertThat(text).doesNotContain(part);
        }
      }

      StringWriter out = new StringWriter();
      CommandLine cli = BatonCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      assertThat(cli.execute("audit", "verify", file.toString())).isZero();
      assertThat(out.toString().trim()).isEqualTo("OK: 13 records in 1 file");
      server.assertTokensPrivate();
    }
  }
}
