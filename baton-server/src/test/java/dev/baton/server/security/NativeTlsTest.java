package dev.baton.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.time.Clock;
import dev.baton.server.BatonServer;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.Overrides;
import dev.baton.server.testing.TestServer;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native TLS ({@code server.tls.certFile}, {@code server.tls.keyFile}), tested once end to end: a
 * self-signed certificate for {@code localhost} is generated at test time (Vert.x's {@link
 * SelfSignedCertificate}), the server listens with it, and a client that trusts only that certificate
 * says hello over {@code wss://} and calls the HTTP API over {@code https://} with its JWT in the
 * Authorization header. A client that does not trust the certificate, and a plain-HTTP client, get
 * nothing.
 */
class NativeTlsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private static SelfSignedCertificate certificate;
  private BatonServer server;
  private int port;
  private HttpClient trusting;
  private final TokenMinter minter = TokenMinter.withSecret(TestServer.SECRET, null, null, Clock.system());

  @BeforeAll
  static void generateCertificate() {
    certificate = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void deleteCertificate() {
    certificate.delete();
  }

  @BeforeEach
  void startWithTls() throws Exception {
    Path yaml = Files.writeString(dir.resolve("baton.yaml"), String.join("\n",
        "server:",
        "  host: 127.0.0.1",
        "  port: 0",
        "  tls:",
        "    certFile: '" + certificate.certificatePath() + "'",
        "    keyFile: '" + certificate.privateKeyPath() + "'",
        "store:",
        "  tokenFile: '" + dir.resolve("fencing-counter") + "'",
        "auth:",
        "  hmacSecret: '" + TestServer.SECRET + "'",
        "audit:",
        "  file: '" + dir.resolve("audit.jsonl") + "'",
        ""));
    BatonConfig config = BatonConfig.load(yaml, Map.of(), Overrides.none());
    server = new BatonServer(config, Clock.system());
    port = server.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    trusting = HttpClient.newBuilder().sslContext(trustingOnly(certificate.certificatePath()))
        .connectTimeout(Duration.ofSeconds(60)).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.stop(Duration.ofSeconds(10));
  }

  @Test
  void aWebSocketOverWssSaysHelloAndTheHttpApiAnswersOverHttps() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws = trusting.newWebSocketBuilder().subprotocols("baton.v1")
        .buildAsync(URI.create("wss://localhost:" + port + "/v1/ws"), new Collect(received))
        .get(60, TimeUnit.SECONDS); // a JVM's first TLS handshake took over 10 s on a loaded 2-core machine
    String jwt = minter.mint(new TokenRequest("smith", "Dr. Smith", List.of("clinician"), null, Duration.ofHours(1)));
    ws.sendText(JSON.writeValueAsString(Map.of("id", "h", "type", "hello", "token", jwt)), true).get(5, TimeUnit.SECONDS);
    JsonNode welcome = JSON.readTree(received.poll(10, TimeUnit.SECONDS));
    assertThat(welcome.path("type").asText()).as("%s", welcome).isEqualTo("welcome");
    ws.sendText(JSON.writeValueAsString(Map.of("id", "j", "type", "join", "resource", "document:tls", "mode", "edit")),
        true).get(5, TimeUnit.SECONDS);
    JsonNode joined = JSON.readTree(received.poll(10, TimeUnit.SECONDS));
    long token = joined.path("lock").path("token").asLong();
    assertThat(token).as("%s", joined).isPositive();

    String service = minter.mint(new TokenRequest("docs", "Document service", List.of("service"), null,
        Duration.ofHours(1)));
    HttpResponse<String> verify = trusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
            + "/v1/locks/verify"))
        .header("Authorization", "Bearer " + service).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("resource", "document:tls",
            "token", token)))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
    assertThat(JSON.readTree(verify.body()).path("valid").asBoolean()).isTrue();
    ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateOrSpeaksPlainHttpGetsNothing() throws Exception {
    HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
        + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
        .as("a self-signed certificate the client does not trust")
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
        .as("plain HTTP on the TLS port")
        .isInstanceOf(IOException.class);
    HttpResponse<String> live = trusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
        + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).isEqualTo(200);
  }

  /** An SSL context that trusts exactly the PEM certificate at {@code path}. */
  private static SSLContext trustingOnly(String path) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      trust.setCertificateEntry("baton", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Queues every text message, reassembled from its parts. */
  private static final class Collect implements WebSocket.Listener {
    private final BlockingQueue<String> received;
    private final StringBuilder partial = new StringBuilder();

    Collect(BlockingQueue<String> received) {
      this.received = received;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
