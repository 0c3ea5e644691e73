package dev.baton.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tokens never in URLs or logs (docs/security.md): a full scenario runs with every logger at DEBUG
 * and a Logback {@link ListAppender} on the root logger, and no log line (message, arguments or
 * exception) holds a JWT, a resume token or a fencing token; the audit file holds no JWT and no resume
 * token (fencing tokens are part of its records, SPEC section 6). A JWT in the query string of any
 * HTTP route or of the WebSocket URL is ignored.
 *
 * <p>The scenario: dev token minting, hello, join, acquire, renew, verify over HTTP, a takeover by an
 * admin that the holder accepts, a resume with a resume token, a hello with a tampered JWT and one
 * with an expired-looking garbage token, and a bye.
 */
class SecretsStayOutOfLogsTest {

  private static final List<String> NOISY = List.of(Logger.ROOT_LOGGER_NAME, "io.netty", "io.vertx", "dev.baton");

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<String, Level> levels = new HashMap<>();

  @BeforeEach
  void captureEverythingAtDebug() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (String name : NOISY) {
      Logger logger = context.getLogger(name);
      levels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    captured.setContext(context);
    captured.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
  }

  @AfterEach
  void restoreLevels() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    captured.stop();
    levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  @Test
  void noJwtResumeTokenOrFencingTokenReachesTheLogsOrTheAudit() throws IOException {
    Set<String> jwts = new LinkedHashSet<>();
    Set<String> resumeTokens = new LinkedHashSet<>();
    Set<Long> fencingTokens = new LinkedHashSet<>();
    String resource = "operation-report:secrets:diagnosis";
    List<String> auditLines;
    try (TestServer server = TestServer.builder().dev(true).start()) {
      TestServer.Response minted = server.post("/dev/token", null, "{\"userId\":\"smith\",\"name\":\"Dr. Smith\"}");
      assertThat(minted.status()).as(minted.body()).isEqualTo(200);
      String smithJwt = minted.json().path("token").asText();
      String adminJwt = server.token("root", "Admin", "admin");
      String serviceJwt = server.serviceToken();
      jwts.addAll(List.of(smithJwt, adminJwt, serviceJwt));

      TestClient smith = server.connect("smith");
      resumeTokens.add(smith.hello(smithJwt).path("resumeToken").asText());
      long token = smith.expect("joined", "join", Map.of("resource", resource, "mode", "edit"))
          .path("lock").path("token").asLong();
      fencingTokens.add(token);
      smith.expect("lock.renewed", "lock.renew", Map.of("resource", resource, "token", token));
      assertThat(server.verify(resource, token).status()).isEqualTo(200);
      assertThat(server.get("/v1/resources/" + resource, serviceJwt).status()).isEqualTo(200);

      TestClient admin = server.connect("admin");
      resumeTokens.add(admin.hello(adminJwt).path("resumeToken").asText());
      admin.expect("joined", "join", Map.of("resource", resource, "mode", "view"));
      admin.expect("takeover.pending", "lock.takeover", Map.of("resource", resource, "reason", "sign-off"));
      smith.awaitEvent("takeover.requested", Duration.ofSeconds(5));
      smith.expect("takeover.responded", "takeover.respond", Map.of("resource", resource, "accept", true));
      JsonNode granted = admin.awaitEvent("lock.granted", Duration.ofSeconds(5));
      fencingTokens.add(granted.path("token").asLong());

      smith.abort();
      TestClient again = server.connect("smith again");
      JsonNode resumed = again.hello(smithJwt, smith.resumeToken());
      assertThat(resumed.path("resumed").asBoolean()).as("%s", resumed).isTrue();
      resumeTokens.add(resumed.path("resumeToken").asText());

      String[] parts = adminJwt.split("\\.");
      String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];
      jwts.add(tampered);
      TestClient mallory = server.connect("mallory");
      JsonNode refused = mallory.request("hello", Map.of("token", tampered, "resume", again.resumeToken()));
      assertThat(refused.path("code").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(mallory.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4001);

      queryStringTokensAreIgnored(server, serviceJwt, resource);
      admin.expect("lock.released", "lock.release", Map.of("resource", resource));
      again.send(Map.of("id", again.nextId(), "type", "bye"));
      again.awaitClose(Duration.ofSeconds(5));
      server.stop(); // the audit log is flushed and closed
      auditLines = auditLines(server.dir());
    }

    List<String> lines = captured.list.stream().map(SecretsStayOutOfLogsTest::render).toList();
    assertThat(lines).as("the server's own lines were captured").anyMatch(l -> l.contains("listening on"));
    for (String line : lines) {
      for (String jwt : jwts) {
        assertThat(line).as("a log line holding a JWT").doesNotContain(jwt).doesNotContain(jwt.split("\\.")[2]);
      }
      for (String resume : resumeTokens) {
        assertThat(line).as("a log line holding a resume token").doesNotContain(resume);
      }
      for (long t : fencingTokens) {
        assertThat(line).as("a log line holding a fencing token").doesNotContain(Long.toString(t));
      }
    }
    assertThat(auditLines).as("audit records of the scenario").hasSizeGreaterThan(5);
    for (String line : auditLines) {
      for (String jwt : jwts) {
        assertThat(line).as("an audit line holding a JWT").doesNotContain(jwt.split("\\.")[2]);
      }
      for (String resume : resumeTokens) {
        assertThat(line).as("an audit line holding a resume token").doesNotContain(resume);
      }
    }
  }

  /** Every route refuses a JWT that comes in the query string, and the WebSocket URL carries none. */
  private static void queryStringTokensAreIgnored(TestServer server, String serviceJwt, String resource) {
    String q = "?access_token=" + serviceJwt + "&token=" + serviceJwt + "&jwt=" + serviceJwt;
    for (String path : List.of("/v1/resources/" + resource, "/v1/documents/operation-report:secrets",
        "/v1/users/smith/locks")) {
      assertThat(server.get(path + q, null).status()).as("GET %s with a JWT in the query", path).isEqualTo(401);
    }
    assertThat(server.post("/v1/locks/verify" + q, null, "{\"resource\":\"" + resource + "\",\"token\":1}").status())
        .isEqualTo(401);
    assertThat(server.delete("/v1/locks/" + resource + q, null, "{\"reason\":\"x\"}").status()).isEqualTo(401);
    TestClient viaUrl = TestClient.open(java.net.URI.create(server.wsUri() + q), "jwt in the url", true);
    JsonNode e = viaUrl.request("join", Map.of("resource", resource));
    assertThat(e.path("code").asText()).as("a JWT in the WebSocket URL authenticates nothing: %s", e)
        .isEqualTo("UNAUTHENTICATED");
    assertThat(viaUrl.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4001);
  }

  /** The lines of every audit file in {@code dir} (the current one and any rotated ones). */
  private static List<String> auditLines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("audit")).toList()) {
        lines.addAll(Files.readAllLines(p));
      }
    }
    return lines;
  }

  /** The formatted message, its raw arguments and the whole exception chain of one event. */
  private static String render(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
    if (event.getArgumentArray() != null) {
      for (Object arg : event.getArgumentArray()) {
        b.append(' ').append(arg);
      }
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      b.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        b.append(' ').append(frame.getSTEAsString());
      }
    }
    return b.toString();
  }
}
