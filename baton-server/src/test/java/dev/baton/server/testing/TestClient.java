package dev.baton.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One browser tab: a JDK {@link WebSocket} to {@code /v1/ws} with subprotocol {@code baton.v1}, speaking
 * protocol v1 as JSON (Jackson).
 *
 * <p>Every received message is checked on arrival (it must be a JSON object with a numeric {@code ts};
 * a lock state that carries a {@code token} must be this session's own lock) and, unless recording is
 * off, kept in {@link #messages()}. A reply is matched to its request by {@code re}; a message without
 * {@code re} is an event, and {@link #awaitEvent} hands out each event at most once, in arrival order.
 * Problems noticed on the receiving thread are collected and thrown by the next wait or by {@link
 * #assertHealthy()}, so that they fail the test.
 *
 * <p>Thread-safe: commands may be sent from several threads (sends are serialized).
 */
public final class TestClient implements AutoCloseable {

  /** How long a reply may take. */
  public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How a connection ended: the close code and reason from the server, or 1006 for an abort. */
  public record Closed(int code, String reason) {}

  private final String label;
  private final boolean record;
  private final WebSocket ws;
  private final Object sendLock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> messages = new ArrayList<>();
  private final List<JsonNode> events = new ArrayList<>();
  private final Set<Integer> consumed = new HashSet<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Set<Long> ownTokens = ConcurrentHashMap.newKeySet();
  private final Set<Long> seenTokens = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final AtomicLong received = new AtomicLong();
  private volatile String sessionId;
  private volatile String resumeToken;
  private volatile JsonNode welcome;

  private TestClient(URI uri, String label, boolean record) {
    this.label = label;
    this.record = record;
    try {
      this.ws = HTTP.newWebSocketBuilder()
          .subprotocols("baton.v1")
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(uri, new Listener())
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(label + " could not connect to " + uri, e);
    }
    assertThat(ws.getSubprotocol()).as("subprotocol chosen by the server").isEqualTo("baton.v1");
  }

  /** Opens a client on any WebSocket URL (no hello yet); {@link TestServer#connect} is the usual way. */
  public static TestClient open(URI uri, String label, boolean record) {
    return new TestClient(uri, label, record);
  }

  /** The name used in assertion messages. */
  public String label() {
    return label;
  }

  /** The session id from {@code welcome}, or null before it. */
  public String sessionId() {
    return sessionId;
  }

  /** The resume token from the last {@code welcome}. */
  public String resumeToken() {
    return resumeToken;
  }

  /** The last {@code welcome}. */
  public JsonNode welcome() {
    return welcome;
  }

  // ---------------------------------------------------------------- sending

  /** Sends a message as it is (any JSON text, valid or not). */
  public void sendRaw(String text) {
    synchronized (sendLock) {
      try {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(label + " could not send", e);
      }
    }
  }

  /** Sends a binary frame. */
  public void sendBinary(byte[] bytes) {
    synchronized (sendLock) {
      try {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(label + " could not send", e);
      }
    }
  }

  /** Sends {@code message} (a map) as JSON, without waiting for anything. */
  public void send(Map<String, ?> message) {
    try {
      sendRaw(JSON.writeValueAsString(message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh message id. */
  public String nextId() {
    return label.replaceAll("[^A-Za-z0-9]", "") + "-" + ids.incrementAndGet();
  }

  /**
   * Sends {@code {id, type, ...fields}} and returns the reply whose {@code re} is the id.
   *
   * @throws AssertionError if no reply arrives within {@link #REPLY_TIMEOUT}
   */
  public JsonNode request(String type, Map<String, ?> fields) {
    String id = nextId();
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("type", type);
    m.setAll((ObjectNode) JSON.valueToTree(fields));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      sendRaw(JSON.writeValueAsString(m));
      JsonNode r = reply.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertHealthy();
      return r;
    } catch (TimeoutException e) {
      throw new AssertionError(label + ": no reply to " + m + " within " + REPLY_TIMEOUT.toSeconds()
          + " s; closed: " + closed.getNow(null) + "; last messages: " + tail(5));
    } catch (ExecutionException e) {
      throw new AssertionError(label + ": no reply to " + m + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(label + " interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      pending.remove(id);
    }
  }

  /** {@link #request} that must answer {@code expectedType}. */
  public JsonNode expect(String expectedType, String type, Map<String, ?> fields) {
    JsonNode r = request(type, fields);
    assertThat(r.path("type").asText()).as("%s: reply to %s %s: %s", label, type, fields, r).isEqualTo(expectedType);
    return r;
  }

  /** {@link #request} that must answer {@code error} with {@code code}. */
  public JsonNode expectError(String code, String type, Map<String, ?> fields) {
    JsonNode r = request(type, fields);
    assertThat(r.path("type").asText()).as("%s: reply to %s %s: %s", label, type, fields, r).isEqualTo("error");
    assertThat(r.path("code").asText()).as("%s: error code for %s %s: %s", label, type, fields, r).isEqualTo(code);
    return r;
  }

  /** {@code hello {token}}, which must be welcomed. */
  public JsonNode hello(String jwt) {
    return expect("welcome", "hello", Map.of("token", jwt));
  }

  /** {@code hello {token, resume}}, which must be welcomed. */
  public JsonNode hello(String jwt, String resume) {
    return expect("welcome", "hello", Map.of("token", jwt, "resume", resume));
  }

  /** {@code join {resource, mode}}; the reply, {@code joined} or an error. */
  public JsonNode join(String resource, String mode) {
    return request("join", Map.of("resource", resource, "mode", mode));
  }

  /** {@code lock.acquire {resource}}; the reply, {@code lock.granted} or an error. */
  public JsonNode acquire(String resource) {
    return request("lock.acquire", Map.of("resource", resource));
  }

  /** {@code lock.release {resource}}; the reply. */
  public JsonNode release(String resource) {
    return request("lock.release", Map.of("resource", resource));
  }

  /** {@code lock.renew {resource, token}}; the reply. */
  public JsonNode renew(String resource, long token) {
    return request("lock.renew", Map.of("resource", resource, "token", token));
  }

  /** {@code heartbeat {}}, which must be acknowledged. */
  public JsonNode heartbeat() {
    return expect("heartbeat.ack", "heartbeat", Map.of());
  }

  /** {@code ping {}}, which must answer {@code pong}. */
  public JsonNode ping() {
    return expect("pong", "ping", Map.of());
  }

  // ---------------------------------------------------------------- receiving

  /**
   * The first event of {@code type} matching {@code predicate} that no earlier call returned, waiting
   * up to {@code timeout} for it.
   *
   * @throws AssertionError when none arrives in time
   */
  public JsonNode awaitEvent(String type, Predicate<JsonNode> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (events) {
      while (true) {
        for (int i = 0; i < events.size(); i++) {
          JsonNode e = events.get(i);
          if (!consumed.contains(i) && type.equals(e.path("type").asText()) && predicate.test(e)) {
            consumed.add(i);
            assertHealthy();
            return e;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(label + ": no matching " + type + " event within " + timeout.toMillis()
              + " ms; events of that type: " + eventsOf(type) + "; closed: " + closed.getNow(null));
        }
        try {
          events.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(label + " interrupted", e);
        }
      }
    }
  }

  /** {@link #awaitEvent} with any payload. */
  public JsonNode awaitEvent(String type, Duration timeout) {
    return awaitEvent(type, e -> true, timeout);
  }

  /**
   * The first received message (reply or event, at any time since the connection opened) matching
   * {@code predicate}, waiting up to {@code timeout}. Needs recording.
   *
   * @throws AssertionError when none arrives in time
   */
  public JsonNode awaitMessage(Predicate<JsonNode> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (messages) {
      while (true) {
        for (JsonNode m : messages) {
          if (predicate.test(m)) {
            assertHealthy();
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(label + ": no matching message within " + timeout.toMillis()
              + " ms; received: " + messages + "; closed: " + closed.getNow(null));
        }
        try {
          messages.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(label + " interrupted", e);
        }
      }
    }
  }

  /** The reply to the message with id {@code re}, sent with {@link #sendRaw}. */
  public JsonNode awaitReply(String re) {
    return awaitMessage(m -> re.equals(m.path("re").asText(null)), REPLY_TIMEOUT);
  }

  /** Every event of {@code type} received so far (consumed or not). */
  public List<JsonNode> eventsOf(String type) {
    synchronized (events) {
      return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }
  }

  /** Every message received so far, replies and events, in arrival order (empty if not recording). */
  public List<JsonNode> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /** How many messages arrived, recorded or not. */
  public long receivedCount() {
    return received.get();
  }

  /** Fencing tokens this client saw inside lock states naming its own session, or in its grants. */
  Set<Long> ownTokens() {
    return Set.copyOf(ownTokens);
  }

  /** Every fencing token in any message this client received. */
  public Set<Long> seenTokens() {
    return Set.copyOf(seenTokens);
  }

  /** Waits up to {@code timeout} for the server to close the connection. */
  public Closed awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(label + ": the connection was not closed within " + timeout.toMillis()
          + " ms; last messages: " + tail(5));
    } catch (Exception e) {
      throw new AssertionError(label + ": " + e, e);
    }
  }

  /** Whether the connection has closed. */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Throws the problems noticed on the receiving thread, if any. */
  public void assertHealthy() {
    if (!problems.isEmpty()) {
      throw new AssertionError(label + ": " + String.join("; ", problems));
    }
  }

  // ---------------------------------------------------------------- closing

  /** Drops the TCP connection without a close frame or {@code bye}, like a crashed tab. */
  public void abort() {
    ws.abort();
    closed.complete(new Closed(1006, "aborted by the test"));
  }

  /** Sends a normal close frame (1000) and waits for the server's. */
  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }
    try {
      closed.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      ws.abort();
    }
  }

  // ---------------------------------------------------------------- internals

  private String tail(int n) {
    List<JsonNode> all = messages();
    return all.subList(Math.max(0, all.size() - n), all.size()).toString();
  }

  private void onMessage(String text) {
    received.incrementAndGet();
    JsonNode m;
    try {
      m = JSON.readTree(text);
    } catch (IOException e) {
      problems.add("a message is not JSON: " + text);
      return;
    }
    if (m == null || !m.isObject()) {
      problems.add("a message is not a JSON object: " + text);
      return;
    }
    if (!m.path("ts").isIntegralNumber() || m.path("ts").asLong() <= 0) {
      problems.add("a message has no numeric ts (SPEC 2.4): " + text);
    }
    String type = m.path("type").asText();
    if (type.equals("welcome")) {
      sessionId = m.path("sessionId").asText(null);
      resumeToken = m.path("resumeToken").asText(null);
      welcome = m;
    }
    checkTokens(m, type);
    if (record) {
      synchronized (messages) {
        messages.add(m);
        messages.notifyAll();
      }
    }
    JsonNode re = m.get("re");
    if (re != null && re.isTextual()) {
      CompletableFuture<JsonNode> f = pending.get(re.textValue());
      if (f != null) {
        f.complete(m);
      }
      return;
    }
    if (re != null) {
      problems.add("re is not a string: " + text);
    }
    if (record) {
      synchronized (events) {
        events.add(m);
        events.notifyAll();
      }
    }
  }

  /**
   * A {@code token} next to a holder must be this session's; a {@code lock.granted} names this
   * session's own token; every token is remembered for {@link TestServer#assertTokensPrivate()}.
   */
  private void checkTokens(JsonNode m, String type) {
    if (type.equals("lock.granted") && m.path("token").isIntegralNumber()) {
      ownTokens.add(m.path("token").asLong());
    }
    walk(m);
  }

  private void walk(JsonNode n) {
    if (n.isObject()) {
      JsonNode token = n.get("token");
      if (token != null && token.isNumber()) {
        seenTokens.add(token.asLong());
        JsonNode holderSession = n.path("holder").path("sessionId");
        if (holderSession.isTextual()) {
          if (holderSession.textValue().equals(sessionId)) {
            ownTokens.add(token.asLong());
          } else {
            problems.add("sent the token " + token + " of session " + holderSession.textValue()
                + "'s lock (SPEC 3: nobody else ever sees a token): " + n);
          }
        }
      }
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        walk(it.next());
      }
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        walk(e);
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          onMessage(text);
        } catch (RuntimeException e) {
          problems.add("handling " + text + " failed: " + e);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      problems.add("the server sent a binary frame");
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      failPending("closed " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(1006, String.valueOf(error)));
      failPending("error " + error);
    }

    private void failPending(String why) {
      for (CompletableFuture<JsonNode> f : pending.values()) {
        f.completeExceptionally(new IllegalStateException(label + ": connection " + why));
      }
      synchronized (events) {
        events.notifyAll();
      }
    }
  }

  @Override
  public String toString() {
    return "TestClient[" + label + ", session " + sessionId + "]";
  }
}
