package dev.baton.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Requests that Vert.x itself rejects or would misread, over a real server: a JSON body sent with a
 * form content type ({@code curl -d} without {@code content-type: application/json}) is read as JSON,
 * on {@code /v1/*}, a path with a bad percent escape gets the API's JSON 400
 * and a request line over Vert.x's limit the JSON 414; none writes an ERROR log line.
 */
class MalformedRequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORM = "application/x-www-form-urlencoded";

  private static TestServer server;
  private static Vertx vertx;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Level apiLevel;

  @BeforeAll
  static void start() {
    server = TestServer.builder().lock("60s", "10s", "5s").start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    apiLevel = context.getLogger(HttpApi.class).getLevel();
    context.getLogger(HttpApi.class).setLevel(Level.DEBUG);
    captured.setContext(context);
    captured.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
  }

  @AfterEach
  void noErrorWasLogged() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    captured.stop();
    context.getLogger(HttpApi.class).setLevel(apiLevel);
    assertThat(captured.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    assertThat(captured.list).filteredOn(e -> e.getThrowableProxy() != null)
        .extracting(ILoggingEvent::getFormattedMessage).as("no stack trace").isEmpty();
  }

  /** {@code {"resource": ..., "token": ..., "note": "xxx..."}}: JSON text of {@code length} characters. */
  private static String longVerifyBody(String resource, long token, int length) {
    String head = "{\"resource\": \"" + resource + "\", \"token\": " + token + ", \"note\": \"100% ";
    return head + "x".repeat(length - head.length() - 2) + "\"}";
  }

  private static HttpResponse<String> post(String path, String bearer, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> res) throws IOException {
    assertThat(res.headers().firstValue("content-type")).as(res.body()).hasValue("application/json");
    return JSON.readTree(res.body());
  }

  @Test
  void aLongJsonBodySentAsFormDataIsReadAsJson() throws Exception {
    String doc = "operation-report:form1";
    TestClient smith = server.login("smith", "smith", "Dr. Smith", "clinician");
    smith.expect("joined", "join", Map.of("resource", doc, "mode", "edit"));
    long token = smith.expect("lock.granted", "lock.acquire", Map.of("resource", doc)).path("token").asLong();

    for (String type : java.util.List.of(FORM, FORM + "; charset=UTF-8", "multipart/form-data; boundary=x",
        "text/plain")) {
      String body = longVerifyBody(doc, token, 3000);
      assertThat(body).hasSize(3000);
      HttpResponse<String> res = post("/v1/locks/verify", server.serviceToken(), type, body);
      assertThat(res.statusCode()).as("%s: %s", type, res.body()).isEqualTo(200);
      assertThat(json(res).path("valid").asBoolean()).as(res.body()).isTrue();

      HttpResponse<String> anonymous = post("/v1/locks/verify", null, type, body);
      assertThat(anonymous.statusCode()).as("%s: %s", type, anonymous.body()).isEqualTo(401);
      assertThat(json(anonymous).path("code").asText()).isEqualTo("UNAUTHENTICATED");
    }
  }

  @Test
  void aRequestLineOverTheLimitGetsTheJson414() throws Exception {
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(
            server.uri("/v1/locks/operation-report:long1:diagnosis?reason=" + "x".repeat(8000)))
        .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: the line as curl sends it
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + server.serviceToken())
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(414);
    JsonNode json = json(res);
    assertThat(json.path("code").asText()).isEqualTo("BAD_REQUEST");
    assertThat(json.path("message").asText()).startsWith("the request line").contains("4096 bytes");
    assertThat(json.path("retryable").asBoolean()).isFalse();
  }

  @Test
  void aFormBodyThatIsNotJsonGetsTheJsonBadRequest() throws Exception {
    HttpResponse<String> res = post("/v1/locks/verify", server.serviceToken(), FORM, "a=" + "b".repeat(3000));
    assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
    assertThat(json(res).path("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void aPathWithABadPercentEscapeGetsTheJsonBadRequest() throws Exception {
    for (String bearer : new String[] {server.serviceToken(), null}) {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(server.port()).setURI("/v1/resources/doc%ZZbad");
      if (bearer != null) {
        options.putHeader("Authorization", "Bearer " + bearer);
      }
      HttpClientResponse[] response = new HttpClientResponse[1];
      String body = vertx.createHttpClient().request(options)
          .compose(req -> req.send())
          .compose(res -> {
            response[0] = res;
            return res.body();
          })
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
      assertThat(response[0].statusCode()).as(body).isEqualTo(400);
      assertThat(response[0].getHeader("content-type")).as(body).isEqualTo("application/json");
      JsonNode json = JSON.readTree(body);
      assertThat(json.path("code").asText()).as(body).isEqualTo("BAD_REQUEST");
      assertThat(json.path("message").asText()).as(body).isEqualTo("malformed request");
    }
    assertThat(captured.list).filteredOn(e -> e.getLoggerName().equals(HttpApi.class.getName()))
        .extracting(ILoggingEvent::getLevel, e -> e.getFormattedMessage().startsWith("GET /v1/resources/doc%ZZbad: 400"))
        .as("one DEBUG line per request").containsExactly(tuple(Level.DEBUG, true), tuple(Level.DEBUG, true));
  }
}
