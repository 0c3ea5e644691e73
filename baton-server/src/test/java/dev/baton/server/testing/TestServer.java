package dev.baton.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.identity.Access;
import dev.baton.core.time.Clock;
import dev.baton.server.BatonServer;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.Overrides;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real {@link BatonServer} on a free loopback port, configured from a YAML file written into its own
 * temporary folder (token file and audit log there too), with short timings so that TTLs and graces
 * can pass in a test. Mints tokens with the same HMAC secret, opens {@link TestClient}s and calls the
 * HTTP API with the JDK {@link HttpClient}.
 *
 * <p>Default timings: lock TTL 3 s, heartbeat 1 s, disconnect grace 2 s, expiry warning 1.5 s, server
 * pings every 1 s with a 1 s timeout, sweeps every 100 ms, hello timeout 10 s. Change them with {@link
 * #builder()}, which also takes per-type policies ({@link Builder#policy}). Roles are the token's
 * business: {@link #token(String, String, String...)}.
 *
 * <p>The memory store by default; {@link Builder#redis} puts the server on a Redis ({@link TestRedis})
 * under a key prefix, and servers built with the same port and prefix are nodes of one deployment
 * (node timeout 1 s). {@link #halt()} stops one like a crashed process.
 *
 * <p>Thread-safe enough for tests: start and stop from one thread; clients may be opened from many.
 */
public final class TestServer implements AutoCloseable {

  /** The HMAC secret of every test server (40 bytes). */
  public static final String SECRET = "baton-test-secret-0123456789abcdef-0123";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final BatonConfig config;
  private final BatonServer server;
  private final int port;
  private final TokenMinter minter = TokenMinter.withSecret(SECRET, null, null, Clock.system());
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<TestClient> clients = new CopyOnWriteArrayList<>();
  private Duration stopped;

  private TestServer(Builder b) {
    try {
      dir = Files.createTempDirectory("baton-test-");
      Path yaml = Files.writeString(dir.resolve("baton.yaml"), b.yaml(dir));
      config = BatonConfig.load(yaml, Map.of(), new Overrides(null, null, b.dev, null, null));
      server = new BatonServer(config, b.clock);
      port = server.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("the test server did not start", e);
    }
  }

  /** A server with the default test timings. */
  public static TestServer start() {
    return builder().start();
  }

  /** Options for a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** The configuration the server runs with. */
  public BatonConfig config() {
    return config;
  }

  /** The server itself, for {@link BatonServer#stop()} in drain tests. */
  public BatonServer server() {
    return server;
  }

  /** The temporary folder of this server (config, token file, audit log). */
  public Path dir() {
    return dir;
  }

  /** {@code ws://127.0.0.1:port/v1/ws}. */
  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + port + "/v1/ws");
  }

  /** {@code http://127.0.0.1:port} + {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  // ---------------------------------------------------------------- tokens

  /** A one-hour token for {@code userId} with a display name and roles; default access applies. */
  public String token(String userId, String name, String... roles) {
    return token(userId, name, List.of(roles), null);
  }

  /** A one-hour token with a resources claim (or null for none). */
  public String token(String userId, String name, List<String> roles, Map<String, Access> resources) {
    return minter.mint(new TokenRequest(userId, name, roles, resources, Duration.ofHours(1)));
  }

  /** A token with a resources claim (or null for none) that expires after {@code ttl} (whole seconds on the wire). */
  public String token(String userId, String name, List<String> roles, Map<String, Access> resources, Duration ttl) {
    return minter.mint(new TokenRequest(userId, name, roles, resources, ttl));
  }

  /** A token of the document service: role {@code service}. */
  public String serviceToken() {
    return token("document-service", "Document service", "service");
  }

  // ---------------------------------------------------------------- clients

  /** Opens a WebSocket client (no hello yet) that records every message. */
  public TestClient connect(String label) {
    return connect(label, true);
  }

  /**
   * Opens a WebSocket client (no hello yet).
   *
   * @param record whether to keep every received message (off for load tests; {@code ts} and token
   *     checks still run)
   */
  public TestClient connect(String label, boolean record) {
    TestClient c = TestClient.open(wsUri(), label, record);
    clients.add(c);
    return c;
  }

  /** Opens a client and says hello as {@code userId}. */
  public TestClient login(String label, String userId, String name, String... roles) {
    TestClient c = connect(label);
    c.hello(token(userId, name, roles));
    return c;
  }

  /** Every client opened on this server. */
  public List<TestClient> clients() {
    return List.copyOf(clients);
  }

  /**
   * Checks SPEC section 3's "nobody else ever sees a token" over everything every client of this
   * server received: every fencing token a client saw is one granted to its own session, and no token
   * was granted to two sessions. Also surfaces any problem a client noticed on its receiving thread
   * (a message without {@code ts}, unparsable JSON, a lock state showing another session's token).
   */
  public void assertTokensPrivate() {
    Map<Long, Set<String>> owners = new HashMap<>();
    Map<String, Set<Long>> ownBySession = new HashMap<>();
    for (TestClient c : clients) {
      c.assertHealthy();
      if (c.sessionId() == null) {
        continue;
      }
      for (long t : c.ownTokens()) {
        owners.computeIfAbsent(t, k -> new HashSet<>()).add(c.sessionId());
        ownBySession.computeIfAbsent(c.sessionId(), k -> new HashSet<>()).add(t);
      }
    }
    owners.forEach((token, sessions) ->
        assertThat(sessions).as("sessions that were shown fencing token %d as their own", token).hasSize(1));
    for (TestClient c : clients) {
      if (c.sessionId() == null) {
        assertThat(c.seenTokens()).as("tokens seen by %s before it had a session", c.label()).isEmpty();
        continue;
      }
      Set<Long> own = ownBySession.getOrDefault(c.sessionId(), Set.of());
      assertThat(own).as("tokens of %s's own locks, against every token it was sent", c.label())
          .containsAll(c.seenTokens());
    }
  }

  // ---------------------------------------------------------------- HTTP

  /** A response with its body parsed as JSON when it is JSON. */
  public record Response(int status, String body, JsonNode json) {}

  /** GET {@code path} with {@code bearer} (null for none). */
  public Response get(String path, String bearer) {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return send(r.build());
  }

  /** POST {@code body} (JSON text) to {@code path} with {@code bearer} (null for none). */
  public Response post(String path, String bearer, String body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return send(r.build());
  }

  /** {@code POST /v1/locks/verify {resource, token}} as the document service. */
  public Response verify(String resource, long token) {
    return post("/v1/locks/verify", serviceToken(), verifyBody(resource, token));
  }

  /** The JSON text of {@code {resource, token}}, the body of {@code POST /v1/locks/verify}. */
  static String verifyBody(String resource, long token) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("resource", resource);
    body.put("token", token);
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * DELETE {@code path} with {@code bearer} (null for none) and {@code body} (JSON text, or null for
   * none), e.g. {@code DELETE /v1/locks/{resource}} with {@code {"reason": "..."}}.
   */
  public Response delete(String path, String bearer, String body) {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (body == null) {
      r.DELETE();
    } else {
      r.header("Content-Type", "application/json").method("DELETE", HttpRequest.BodyPublishers.ofString(body));
    }
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    return send(r.build());
  }

  /** {@code GET /v1/documents/{type}:{id}} as the document service; must answer 200. */
  public JsonNode documentState(String document) {
    Response r = get("/v1/documents/" + document, serviceToken());
    assertThat(r.status()).as("GET /v1/documents/%s: %s", document, r.body()).isEqualTo(200);
    return r.json();
  }

  /** {@code GET /v1/resources/{resource}} as the document service; must answer 200. */
  public JsonNode resourceState(String resource) {
    Response r = get("/v1/resources/" + resource, serviceToken());
    assertThat(r.status()).as("GET /v1/resources/%s: %s", resource, r.body()).isEqualTo(200);
    return r.json();
  }

  private Response send(HttpRequest request) {
    return send(http, request);
  }

  /**
   * Sends {@code request} with {@code http}; the body is parsed as JSON when the content type says so.
   *
   * @throws UncheckedIOException when the server does not answer or the JSON is malformed
   * @throws IllegalStateException when interrupted (the interruption is kept)
   */
  static Response send(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
        json = JSON.readTree(r.body());
      }
      return new Response(r.statusCode(), r.body(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- stop

  /**
   * Stops the server (drain included) unless already stopped; returns once it is down.
   *
   * @return how long {@link BatonServer#stop} took
   */
  public Duration stop() {
    if (stopped == null) {
      long start = System.nanoTime();
      try {
        server.stop(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      stopped = Duration.ofNanos(System.nanoTime() - start);
    }
    return stopped;
  }

  /**
   * Stops the server like a crashed process ({@link BatonServer#halt}): its Redis connections are cut
   * first, nothing is drained; its clients see their connections drop.
   */
  public void halt() {
    if (stopped == null) {
      long start = System.nanoTime();
      try {
        server.halt(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      stopped = Duration.ofNanos(System.nanoTime() - start);
    }
  }

  /** Whether the port still accepts connections. */
  public boolean accepting() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }


  /** Closes every client, stops the server and deletes the temporary folder. */
  @Override
  public void close() {
    for (TestClient c : clients) {
      c.abort();
    }
    try {
      stop();
    } finally {
      deleteDir();
    }
  }

  private void deleteDir() {
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }

  /** Options of a {@link TestServer}; every duration in the YAML form ({@code 3s}, {@code 1500ms}). */
  public static final class Builder {
    private String lockTtl = "3s";
    private String heartbeatInterval = "1s";
    private String disconnectGrace = "2s";
    private String expiryWarning = "1500ms";
    private String helloTimeout = "10s";
    // Generous by default, so that a loaded 2-core machine never drops a busy test's connection;
    // the half-open test sets its own short values.
    private String pingInterval = "5s";
    private String pingTimeout = "10s";
    private String sweepInterval = "100ms";
    private boolean dev;
    private String redisUri;
    private String redisPrefix;
    private String nodeTimeout = "10s";
    private String publicKey;
    private Path tokenFile;
    private Clock clock = Clock.system();
    /** {@code limits.*}: key relative to the section, then value. */
    private final Map<String, String> limits = new LinkedHashMap<>();
    /** {@code policies.types}: type, then key path relative to the type (dots nest), then value. */
    private final Map<String, Map<String, String>> types = new LinkedHashMap<>();

    private Builder() {}

    /** {@code policies.default.lockTtl}, {@code heartbeatInterval} and {@code expiryWarning}. */
    public Builder lock(String lockTtl, String heartbeatInterval, String expiryWarning) {
      this.lockTtl = lockTtl;
      this.heartbeatInterval = heartbeatInterval;
      this.expiryWarning = expiryWarning;
      return this;
    }

    /** {@code policies.default.disconnectGrace}. */
    public Builder disconnectGrace(String grace) {
      this.disconnectGrace = grace;
      return this;
    }

    /** {@code server.helloTimeout}. */
    public Builder helloTimeout(String timeout) {
      this.helloTimeout = timeout;
      return this;
    }

    /** {@code server.pingInterval} and {@code server.pingTimeout}. */
    public Builder ping(String interval, String timeout) {
      this.pingInterval = interval;
      this.pingTimeout = timeout;
      return this;
    }

    /**
     * The Redis store ({@code store.type: redis}) on {@code redis://127.0.0.1:<port>} under key prefix
     * {@code prefix}: nodes built with the same port and prefix share their state.
     */
    public Builder redis(int port, String prefix) {
      this.redisUri = "redis://127.0.0.1:" + port;
      this.redisPrefix = prefix;
      return this;
    }

    /**
     * The Redis store on any {@code redis.uri} (e.g. {@code redis-cluster://…}) under key prefix
     * {@code prefix}: nodes built with the same URI and prefix share their state.
     */
    public Builder redis(String uri, String prefix) {
      this.redisUri = uri;
      this.redisPrefix = prefix;
      return this;
    }

    /** {@code redis.nodeTimeout} (default here 10 s, so that a loaded test machine's stall of a few
     * seconds does not get a live node declared dead; tests of a dead node set a short one; written
     * only with {@link #redis(int, String)} or {@link #redis(String, String)}). */
    public Builder nodeTimeout(String timeout) {
      this.nodeTimeout = timeout;
      return this;
    }

    /** {@code store.sweepInterval} (default here 100 ms). */
    public Builder sweepInterval(String interval) {
      this.sweepInterval = interval;
      return this;
    }

    /**
     * {@code auth.publicKey}: PEM text of an RSA or EC public key accepted beside the HMAC secret
     * (RS256 or ES256 tokens), for tests of algorithm confusion.
     */
    public Builder publicKey(String pem) {
      this.publicKey = pem;
      return this;
    }

    /** Sets {@code limits.<key>} (written into the YAML as it is); unset keys keep their defaults. */
    public Builder limit(String key, String value) {
      limits.put(key, value);
      return this;
    }

    /**
     * {@code store.tokenFile} (default: a file in the server's own temporary folder): servers started
     * one after the other on one file are restarts of one memory-store node.
     */
    public Builder tokenFile(Path file) {
      this.tokenFile = file;
      return this;
    }

    /**
     * The server's clock (default {@link Clock#system()}), e.g. one whose wall time was stepped back.
     * Tokens are still minted with the system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Dev mode ({@code --dev}). */
    public Builder dev(boolean dev) {
      this.dev = dev;
      return this;
    }

    /**
     * Sets one key of a per-type policy ({@code policies.types.<type>.<key>}); the type inherits
     * every key it does not set from the default policy. A nested key is written with dots, e.g.
     * {@code policy("operation-report", "takeover.timeout", "2s")}; the value is written into the
     * YAML as it is.
     */
    public Builder policy(String type, String key, String value) {
      types.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(key, value);
      return this;
    }

    /** Starts the server. */
    public TestServer start() {
      return new TestServer(this);
    }

    String yaml(Path dir) {
      return String.join("\n",
          "server:",
          "  host: 127.0.0.1",
          "  port: 0",
          "  helloTimeout: " + helloTimeout,
          "  pingInterval: " + pingInterval,
          "  pingTimeout: " + pingTimeout,
          "store:",
          "  type: " + (redisUri == null ? "memory" : "redis"),
          "  sweepInterval: " + sweepInterval,
          "  tokenFile: '" + (tokenFile == null ? dir.resolve("fencing-counter") : tokenFile) + "'",
          "redis:",
          "  uri: " + (redisUri == null ? "redis://127.0.0.1:6379" : redisUri),
          "  keyPrefix: " + (redisPrefix == null ? "baton" : redisPrefix),
          redisUri == null ? "" : "  nodeTimeout: " + nodeTimeout,
          "auth:",
          "  hmacSecret: '" + SECRET + "'",
          publicKey == null ? "" : "  publicKey: |\n    " + publicKey.strip().replace("\n", "\n    "),
          "audit:",
          "  file: '" + dir.resolve("audit.jsonl") + "'",
          limitsYaml(),
          "policies:",
          "  default:",
          "    lockTtl: " + lockTtl,
          "    heartbeatInterval: " + heartbeatInterval,
          "    disconnectGrace: " + disconnectGrace,
          "    expiryWarning: " + expiryWarning,
          typesYaml());
    }

    /** The {@code limits} section (empty when no limit was set). */
    private String limitsYaml() {
      StringBuilder out = new StringBuilder(limits.isEmpty() ? "" : "limits:");
      limits.forEach((key, value) -> out.append("\n  ").append(key).append(": ").append(value));
      return out.toString();
    }

    /** {@code policies.types} as nested YAML mappings (empty when no type has its own policy). */
    private String typesYaml() {
      if (types.isEmpty()) {
        return "";
      }
      Map<String, Object> tree = new LinkedHashMap<>();
      types.forEach((type, keys) -> {
        Map<String, Object> node = nested(tree, type);
        keys.forEach((key, value) -> {
          String[] parts = key.split("\\.");
          Map<String, Object> parent = node;
          for (int i = 0; i < parts.length - 1; i++) {
            parent = nested(parent, parts[i]);
          }
          parent.put(parts[parts.length - 1], value);
        });
      });
      StringBuilder out = new StringBuilder("  types:\n");
      write(tree, "    ", out);
      return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Map<String, Object> parent, String key) {
      return (Map<String, Object>) parent.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> tree, String indent, StringBuilder out) {
      tree.forEach((key, value) -> {
        if (value instanceof Map<?, ?> m) {
          out.append(indent).append(key).append(":\n");
          write((Map<String, Object>) m, indent + "  ", out);
        } else {
          out.append(indent).append(key).append(": ").append(value).append('\n');
        }
      });
    }
  }
}
