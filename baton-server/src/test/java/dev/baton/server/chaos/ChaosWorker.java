package dev.baton.server.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.chaos.History.Ended;
import dev.baton.server.chaos.History.Grant;
import dev.baton.server.chaos.History.Live;
import dev.baton.server.testing.NodeProcess;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One browser tab of the chaos test, on its own thread: connects to a live node (resuming its session
 * when the fault injector said it will), joins the resources, and loops acquire, a few renewals with
 * random pauses, sometimes a {@code POST /v1/locks/verify}, then a release (or, now and then, lets
 * the lease run out). Every outcome goes into the {@link History}; every reply that no fault explains
 * is a {@link #surprises() surprise}.
 *
 * <p>Thread-safety: {@link #run} on one thread; {@link #drop}, {@link #stop} and the getters from the
 * injector's.
 */
final class ChaosWorker implements Runnable {

  /** After this many lock cycles a session says {@code bye} and a new one starts (bounds recorded messages). */
  private static final int CYCLES_PER_SESSION = 25;

  private final int index;
  private final String userId;
  private final List<String> resources;
  private final Cluster cluster;
  private final History history;
  private final Random random;
  private final List<String> surprises = new CopyOnWriteArrayList<>();
  private final AtomicLong stalls = new AtomicLong();
  private volatile TestClient client;
  private volatile NodeProcess node;
  private volatile boolean resumeNext;
  private volatile boolean stopped;
  private volatile boolean holding;
  private String resumeToken;
  private String heldResource;
  private long heldToken;
  private int cycles;

  ChaosWorker(int index, List<String> resources, Cluster cluster, History history, long seed) {
    this.index = index;
    this.userId = "user" + index;
    this.resources = resources;
    this.cluster = cluster;
    this.history = history;
    this.random = new Random(seed);
  }

  String userId() {
    return userId;
  }

  /** The node of the current connection, or null. */
  NodeProcess node() {
    return node;
  }

  /** The current session id, or null when not connected. */
  String sessionId() {
    TestClient c = client;
    return c == null || c.isClosed() ? null : c.sessionId();
  }

  /** Whether the worker believes it holds a lock. */
  boolean holding() {
    return holding;
  }

  /** Replies no fault explains (wrong type, unexpected error code). */
  List<String> surprises() {
    return surprises;
  }

  /** Requests that got no reply on an open connection (a stall while Redis or a node was down). */
  long stalls() {
    return stalls.get();
  }

  /**
   * Tells the worker how its session continues after the connection is lost: resumed on a live node
   * with its resume token, or abandoned (a new session).
   */
  void willResume(boolean resume) {
    this.resumeNext = resume;
  }

  /** Drops the connection without a close frame, like a crashed tab. */
  void drop(boolean resume) {
    willResume(resume);
    TestClient c = client;
    if (c != null) {
      c.abort();
    }
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      TestClient c = client;
      try {
        if (c == null || c.isClosed()) {
          if (c != null) {
            harvest(c);
          }
          connect();
        } else {
          cycle(c);
        }
      } catch (RuntimeException | AssertionError e) {
        if (c != null && !c.isClosed()) {
          stalls.incrementAndGet();
        }
        pause(100, 300);
      }
    }
    TestClient c = client;
    if (c != null) {
      try {
        bye(c);
      } catch (RuntimeException | AssertionError e) {
        c.abort();
      }
      harvest(c);
    }
  }

  /** Ends the session on purpose: {@code bye}, then the server closes the connection (1000). */
  private static void bye(TestClient c) {
    if (!c.isClosed()) {
      c.sendRaw("{\"id\":\"" + c.nextId() + "\",\"type\":\"bye\"}");
      c.awaitClose(Duration.ofSeconds(5));
    }
  }

  private void connect() {
    client = null;
    node = null;
    held(null, 0);
    NodeProcess n = cluster.liveNode(random);
    if (n == null) {
      pause(200, 400);
      return;
    }
    TestClient c = n.connect(userId + "@" + n.name());
    boolean resume = resumeNext && resumeToken != null;
    resumeNext = false;
    long sentMs = System.currentTimeMillis();
    JsonNode w = c.request("hello", resume
        ? Map.of("token", n.token(userId, "User " + index, "clinician"), "resume", resumeToken)
        : Map.of("token", n.token(userId, "User " + index, "clinician")));
    if (!w.path("type").asText().equals("welcome")) {
      c.abort();
      pause(200, 500);
      return;
    }
    resumeToken = c.resumeToken();
    if (w.path("resumed").asBoolean()) {
      for (JsonNode r : w.path("resources")) {
        JsonNode lock = r.path("lock");
        if (lock.path("token").isIntegralNumber()
            && c.sessionId().equals(lock.path("holder").path("sessionId").asText())) {
          held(r.path("resource").asText(), lock.path("token").asLong());
          history.add(new Live(heldResource, heldToken, sentMs, lock.path("expiresAt").asLong(), "resume"));
        }
      }
    }
    for (String r : resources) {
      JsonNode joined = c.join(r, "view");
      if (!joined.path("type").asText().equals("joined")) {
        expectRetryable(joined, "join");
      }
    }
    node = n;
    client = c;
  }

  /** One lock cycle: acquire (or keep a resumed lock), renew, maybe verify, release or let expire. */
  private void cycle(TestClient c) {
    if (++cycles % CYCLES_PER_SESSION == 0 && heldResource == null) {
      bye(c);
      return;
    }
    if (heldResource == null && !acquire(c)) {
      pause(50, 300);
      return;
    }
    int renewals = random.nextInt(4);
    for (int i = 0; i < renewals && heldResource != null && !stopped; i++) {
      pause(300, 1200);
      renew(c);
      if (heldResource != null && random.nextInt(4) == 0) {
        verify();
      }
    }
    if (heldResource == null) {
      return;
    }
    if (random.nextInt(20) == 0) {
      letExpire(c);
    } else {
      pause(0, 500);
      release(c);
    }
    pause(50, 400);
  }

  private boolean acquire(TestClient c) {
    String r = resources.get(random.nextInt(resources.size()));
    JsonNode reply = c.acquire(r);
    switch (reply.path("type").asText()) {
      case "lock.granted" -> {
        long expiresAt = reply.path("expiresAt").asLong();
        held(r, reply.path("token").asLong());
        history.add(new Grant(r, heldToken, c.sessionId(), expiresAt - reply.path("remainingMs").asLong(), expiresAt));
        return true;
      }
      case "error" -> {
        String code = reply.path("code").asText();
        if (code.equals("NOT_JOINED")) {
          c.join(r, "view"); // a join refused while Redis was down
        } else if (!code.equals("LOCK_HELD")) {
          expectRetryable(reply, "lock.acquire");
        }
        return false;
      }
      default -> {
        surprises.add(userId + ": lock.acquire answered " + reply);
        return false;
      }
    }
  }

  private void renew(TestClient c) {
    JsonNode reply = c.renew(heldResource, heldToken);
    String type = reply.path("type").asText();
    if (type.equals("lock.renewed")) {
      long expiresAt = reply.path("expiresAt").asLong();
      history.add(new Live(heldResource, heldToken, expiresAt - reply.path("remainingMs").asLong(), expiresAt,
          "renewal"));
    } else if (type.equals("error") && reply.path("code").asText().equals("LOCK_LOST")) {
      history.add(new Ended(heldResource, heldToken, reply.path("ts").asLong(), "LOCK_LOST"));
      held(null, 0);
    } else {
      expectRetryable(reply, "lock.renew");
    }
  }

  private void verify() {
    NodeProcess n = cluster.liveNode(random);
    if (n == null) {
      return;
    }
    TestServer.Response r;
    try {
      r = n.verify(heldResource, heldToken);
    } catch (RuntimeException e) {
      return; // the node went down meanwhile
    }
    long receivedMs = System.currentTimeMillis();
    if (r.status() == 200) {
      long expiresAt = r.json().path("expiresAt").asLong();
      history.add(new Live(heldResource, heldToken, expiresAt - r.json().path("remainingMs").asLong(), expiresAt,
          "verify on " + n.name()));
    } else if (r.status() == 409) {
      history.add(new Ended(heldResource, heldToken, receivedMs, "verify on " + n.name() + ": "
          + r.json().path("reason").asText()));
    }
  }

  private void release(TestClient c) {
    JsonNode reply = c.release(heldResource);
    String type = reply.path("type").asText();
    if (type.equals("lock.released")) {
      history.add(new Ended(heldResource, heldToken, reply.path("ts").asLong(), "release"));
    } else if (type.equals("error") && reply.path("code").asText().equals("NOT_HOLDER")) {
      history.add(new Ended(heldResource, heldToken, reply.path("ts").asLong(), "NOT_HOLDER"));
    } else {
      expectRetryable(reply, "lock.release");
    }
    held(null, 0);
  }

  /** Stops renewing and waits for {@code lock.expired} (recorded when its events are harvested). */
  private void letExpire(TestClient c) {
    String r = heldResource;
    long token = heldToken;
    held(null, 0);
    c.awaitEvent("lock.expired", e -> r.equals(e.path("resource").asText()) && e.path("token").asLong() == token,
        Duration.ofSeconds(25));
  }

  /** Records the expiry and revocation events a finished connection received. */
  private void harvest(TestClient c) {
    for (String type : List.of("lock.expired", "lock.revoked")) {
      for (JsonNode e : c.eventsOf(type)) {
        history.add(new Ended(e.path("resource").asText(), e.path("token").asLong(), e.path("ts").asLong(), type));
      }
    }
  }

  private void expectRetryable(JsonNode reply, String command) {
    if (!reply.path("type").asText().equals("error") || !reply.path("code").asText().equals("UNAVAILABLE")
        || !reply.path("retryable").asBoolean()) {
      surprises.add(userId + ": " + command + " answered " + reply);
    }
  }

  private void held(String resource, long token) {
    heldResource = resource;
    heldToken = token;
    holding = resource != null;
  }

  private void pause(int minMs, int maxMs) {
    try {
      Thread.sleep(minMs + random.nextInt(maxMs - minMs + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  @Override
  public String toString() {
    return "ChaosWorker[" + userId + " on " + (node == null ? "-" : node.name()) + "]";
  }

  /** Starts {@code count} workers, each on its own daemon thread (added to {@code threads}). */
  static List<ChaosWorker> start(int count, List<String> resources, Cluster cluster, History history, long seed,
      List<Thread> threads) {
    List<ChaosWorker> workers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ChaosWorker w = new ChaosWorker(i, resources, cluster, history, seed * 1000 + i);
      Thread t = new Thread(w, "chaos-" + w.userId);
      t.setDaemon(true);
      workers.add(w);
      threads.add(t);
      t.start();
    }
    return workers;
  }
}
