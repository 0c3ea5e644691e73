package dev.baton.server.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.LockRace;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import dev.baton.server.testing.TwoNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Baton nodes in this process on one real Redis (embedded 7.0.15, append-only file), each test
 * under its own key prefix: SPEC section 7 and guarantees 1, 2, 3, 5 and 6 across nodes. Node A and
 * node B are full servers (WebSocket, HTTP, audit log), each with its own Redis connections, sweeper
 * and heartbeat; they share nothing but Redis.
 *
 * <p>Timings (TestServer defaults unless a test says otherwise): lock TTL 3 s, heartbeat 1 s,
 * disconnect grace 2 s, sweep every 100 ms, node timeout 1 s.
 */
class TwoNodesTest {

  static final String R = "operation-report:r1:diagnosis";
  static final Duration SOON = Duration.ofSeconds(3);

  @RegisterExtension
  static final TwoNodes<TestServer> twoNodes = TwoNodes.servers();

  private TestServer a;
  private TestServer b;

  /** Starts nodes A and B on the shared Redis under a fresh prefix, both configured by {@code options}. */
  private void nodes(Consumer<TestServer.Builder> options) {
    twoNodes.start(options);
    a = twoNodes.a();
    b = twoNodes.b();
  }

  private static TestClient joined(TestServer node, String label, String userId, String name, String... roles) {
    TestClient c = node.login(label, userId, name, roles);
    c.expect("joined", "join", Map.of("resource", R, "mode", "view"));
    return c;
  }

  private static boolean about(JsonNode event, String userId) {
    return userId.equals(event.path("member").path("userId").asText());
  }

  private static String holderOf(JsonNode lockState) {
    return lockState.path("lock").path("holder").path("userId").asText(null);
  }

  // ---------------------------------------------------------------- (a) events cross nodes

  @Test
  void presenceAndLockChangesOnOneNodeReachMembersOnTheOtherWithoutTheToken() throws IOException {
    nodes(o -> {});
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");
    alice.awaitEvent("presence.joined", e -> about(e, "bob"), SOON);

    TestClient carol = joined(a, "carol@A", "carol", "Carol");
    JsonNode carolJoined = bob.awaitEvent("presence.joined", e -> about(e, "carol"), SOON);
    assertThat(carolJoined.path("version").asLong()).isEqualTo(3);

    long sent = System.nanoTime();
    long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    JsonNode seenOnB = bob.awaitEvent("lock.state", e -> "alice".equals(holderOf(e)), SOON);
    long crossNodeMs = (System.nanoTime() - sent) / 1_000_000;
    assertThat(seenOnB.path("lock").has("token")).as("a viewer on the other node never sees the token").isFalse();
    carol.awaitEvent("lock.state", e -> "alice".equals(holderOf(e)), SOON);
    JsonNode refused = bob.expectError("LOCK_HELD", "lock.acquire", Map.of("resource", R));
    assertThat(refused.path("holder").path("name").asText()).isEqualTo("Dr. Alice");
    assertThat(b.resourceState(R).path("lock").path("token").asLong()).as("a service on B sees it").isEqualTo(token);

    alice.expect("lock.released", "lock.release", Map.of("resource", R));
    bob.awaitEvent("lock.state", e -> holderOf(e) == null, SOON);
    assertThat(bob.eventsOf("lock.state")).as("each change once, though B relays it").hasSize(2);
    assertThat(bob.eventsOf("presence")).as("no resync was needed").isEmpty();
    System.out.printf("TwoNodesTest: grant on A seen by a viewer on B after %d ms (with the grant's round trip)%n",
        crossNodeMs);

    a.assertTokensPrivate();
    b.assertTokensPrivate();
    // Each node audits what it committed: alice's grant and release on A only.
    String auditA = Files.readString(a.dir().resolve("audit.jsonl"));
    String auditB = Files.readString(b.dir().resolve("audit.jsonl"));
    assertThat(countLines(auditA, "\"event\":\"grant\"")).isEqualTo(1);
    assertThat(countLines(auditA, "\"event\":\"release\"")).isEqualTo(1);
    assertThat(auditB).doesNotContain("\"event\":\"grant\"").doesNotContain("\"event\":\"release\"");
    assertThat(countLines(auditB, "\"event\":\"denial\"")).as("bob's LOCK_HELD, on B").isEqualTo(1);
  }

  // ---------------------------------------------------------------- (b) resume on the other node

  @Test
  void aSessionResumesOnTheOtherNodeWithItsLockAndTokenAndTheOldConnectionIsClosed() {
    nodes(o -> {});
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");

    // Resumed on B while the connection to A is still open: A closes it with 4009.
    TestClient aliceOnB = b.connect("alice@B");
    JsonNode welcome = aliceOnB.hello(b.token("alice", "Dr. Alice"), alice.resumeToken());
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
    assertThat(welcome.path("sessionId").asText()).isEqualTo(alice.sessionId());
    JsonNode lock = welcome.path("resources").get(0).path("lock");
    assertThat(lock.path("token").asLong()).as("same lock, same token").isEqualTo(token);
    assertThat(lock.path("holder").path("sessionId").asText()).isEqualTo(alice.sessionId());
    assertThat(alice.awaitClose(SOON).code()).as("the old connection, on the other node").isEqualTo(4009);
    aliceOnB.expect("lock.renewed", "lock.renew", Map.of("resource", R, "token", token));

    // Dropped on B, resumed on A within the grace.
    aliceOnB.abort();
    bob.awaitEvent("presence.changed", e -> about(e, "alice") && e.path("member").path("status").asText().equals("away"),
        SOON);
    TestClient aliceBack = a.connect("alice@A again");
    JsonNode again = aliceBack.hello(a.token("alice", "Dr. Alice"), aliceOnB.resumeToken());
    assertThat(again.path("resumed").asBoolean()).isTrue();
    assertThat(again.path("sessionId").asText()).isEqualTo(alice.sessionId());
    assertThat(again.path("resources").get(0).path("lock").path("token").asLong()).isEqualTo(token);
    bob.awaitEvent("presence.changed", e -> about(e, "alice") && e.path("member").path("status").asText().equals("online"),
        SOON);
    aliceBack.expect("lock.renewed", "lock.renew", Map.of("resource", R, "token", token));
    aliceBack.expect("lock.released", "lock.release", Map.of("resource", R));
    bob.awaitEvent("lock.state", e -> holderOf(e) == null, SOON);
    a.assertTokensPrivate();
    b.assertTokensPrivate();
  }

  // ---------------------------------------------------------------- (c) fail closed

  @Test
  void withRedisDownLockOperationsAreUnavailableConnectionsStayAndServiceResumesWhenItIsBack() {
    nodes(o -> {});
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");
    assertThat(a.get("/health/ready", null).status()).isEqualTo(200);

    twoNodes.redis().down();
    try {
      JsonNode refused = alice.expectError("UNAVAILABLE", "lock.acquire", Map.of("resource", R));
      assertThat(refused.path("retryable").asBoolean()).isTrue();
      bob.expectError("UNAVAILABLE", "heartbeat", Map.of());
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(a.get("/health/ready", null).status()).isEqualTo(503);
        assertThat(b.get("/health/ready", null).status()).isEqualTo(503);
      });
      alice.ping();
      bob.ping();
      assertThat(alice.isClosed()).as("connections stay open").isFalse();
      assertThat(bob.isClosed()).isFalse();
    } finally {
      twoNodes.redis().up();
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(a.get("/health/ready", null).status()).isEqualTo(200);
      assertThat(b.get("/health/ready", null).status()).isEqualTo(200);
    });
    long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    bob.awaitEvent("lock.state", e -> "alice".equals(holderOf(e)), SOON);
    assertThat(b.verify(R, token).status()).isEqualTo(200);
    assertThat(alice.isClosed()).isFalse();
  }

  // ---------------------------------------------------------------- (d) race over two nodes

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void oneHundredSessionsOnTwoNodesRacingForOneLockNeverHoldItTogether() throws Exception {
    nodes(o -> o.lock("60s", "10s", "5s"));
    int perNode = 50;
    int attempts = 20;
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < 2 * perNode; i++) {
      TestServer node = i % 2 == 0 ? a : b;
      TestClient c = node.connect("user" + i + (i % 2 == 0 ? "@A" : "@B"), false);
      c.hello(node.token("user" + i, "User " + i, "clinician"));
      c.expect("joined", "join", Map.of("resource", R, "mode", "view"));
      clients.add(c);
    }

    LockRace.Result race = LockRace.run(clients, R, attempts);
    System.out.printf("TwoNodesTest race: %d sessions on 2 nodes x %d attempts in %d ms: %d grants, %d LOCK_HELD%n",
        clients.size(), attempts, race.elapsedMs(), race.grantOrder().size(), race.refused());

    race.assertTokensIncreased((long) clients.size() * attempts);
    for (TestServer node : List.of(a, b)) {
      JsonNode state = node.resourceState(R);
      assertThat(state.path("lock").path("holder").isNull()).as("free at the end: %s", state).isTrue();
      assertThat(state.path("presence").path("members")).hasSize(clients.size());
    }
    a.assertTokensPrivate();
    b.assertTokensPrivate();
  }

  // ---------------------------------------------------------------- (e) expiry without a caller

  @Test
  void anExpiryWithoutACallerIsAnnouncedOnceOnBothNodesWithinOneSecond() throws InterruptedException {
    nodes(o -> o.lock("2s", "500ms", "1s"));
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    JsonNode granted = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R));
    long expiresAtNanos = System.nanoTime() + granted.path("remainingMs").asLong() * 1_000_000;

    // alice stays connected but stops renewing: nobody calls anything when the lock runs out.
    JsonNode freeOnB = bob.awaitEvent("lock.state", e -> holderOf(e) == null, Duration.ofSeconds(5));
    long lateMs = (System.nanoTime() - expiresAtNanos) / 1_000_000;
    alice.awaitEvent("lock.expired", SOON);
    assertThat(freeOnB).isNotNull();
    assertThat(lateMs).as("announced on the other node within one second of the expiry").isLessThan(1000);

    Thread.sleep(1500); // room for a second announcement, which must not come
    assertThat(alice.eventsOf("lock.expired")).hasSize(1);
    assertThat(alice.eventsOf("lock.expiring")).hasSize(1);
    assertThat(alice.eventsOf("lock.state").stream().filter(e -> holderOf(e) == null)).hasSize(1);
    assertThat(bob.eventsOf("lock.state").stream().filter(e -> holderOf(e) == null)).hasSize(1);
    String audits = read(a, "audit.jsonl") + read(b, "audit.jsonl");
    assertThat(countLines(audits, "\"event\":\"expiry\"")).as("recorded once, by the node that retired it").isEqualTo(1);
    System.out.printf("TwoNodesTest: expiry announced on B %d ms after the lock ran out%n", lateMs);
  }

  // ---------------------------------------------------------------- (f) a node dies

  @Test
  void theSessionsOfADeadNodeGoAwayAndAreReleasedAfterTheGraceAsExpired() {
    nodes(o -> o.lock("20s", "5s", "3s").disconnectGrace("2s").nodeTimeout("3s"));
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");

    long halted = System.nanoTime();
    a.halt(); // no drain, no disconnect, no deregistration: only the silence tells B
    JsonNode away = bob.awaitEvent("presence.changed",
        e -> about(e, "alice") && e.path("member").path("status").asText().equals("away"), Duration.ofSeconds(10));
    long awayMs = (System.nanoTime() - halted) / 1_000_000;
    JsonNode inGrace = bob.awaitEvent("lock.state", e -> e.path("lock").path("inGrace").asBoolean(), SOON);
    assertThat(holderOf(inGrace)).isEqualTo("alice");
    JsonNode left = bob.awaitEvent("presence.left", e -> about(e, "alice"), Duration.ofSeconds(10));
    long leftMs = (System.nanoTime() - halted) / 1_000_000;
    assertThat(left.path("reason").asText()).isEqualTo("expired");
    bob.awaitEvent("lock.state", e -> holderOf(e) == null, SOON);
    System.out.printf("TwoNodesTest: node A silent: alice away on B after %d ms, gone (expired) after %d ms%n",
        awayMs, leftMs);
    assertThat(away).isNotNull();

    JsonNode state = b.resourceState(R);
    assertThat(state.path("presence").path("members")).hasSize(1);
    assertThat(b.verify(R, token).json().path("reason").asText()).isIn("released", "expired");
    long next = bob.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    assertThat(next).isGreaterThan(token);
    assertThat(read(b, "audit.jsonl")).contains("\"event\":\"leave\"").contains("\"reason\":\"expired\"");
  }

  @Test
  void theHolderOfADeadNodeResumesOnTheOtherNodeWithinTheGraceAndKeepsItsLockAndToken() throws InterruptedException {
    nodes(o -> o.lock("20s", "5s", "3s").disconnectGrace("5s").nodeTimeout("3s"));
    TestClient alice = joined(a, "alice@A", "alice", "Dr. Alice");
    long token = alice.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong();
    TestClient bob = joined(b, "bob@B", "bob", "Nurse Bob");

    a.halt();
    alice.awaitClose(SOON);
    bob.awaitEvent("presence.changed",
        e -> about(e, "alice") && e.path("member").path("status").asText().equals("away"), Duration.ofSeconds(10));
    TestClient aliceOnB = b.connect("alice@B");
    JsonNode welcome = aliceOnB.hello(b.token("alice", "Dr. Alice"), alice.resumeToken());
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
    assertThat(welcome.path("sessionId").asText()).isEqualTo(alice.sessionId());
    assertThat(welcome.path("resources").get(0).path("lock").path("token").asLong()).as("same lock, same token")
        .isEqualTo(token);
    bob.awaitEvent("presence.changed",
        e -> about(e, "alice") && e.path("member").path("status").asText().equals("online"), SOON);
    aliceOnB.expect("lock.renewed", "lock.renew", Map.of("resource", R, "token", token));

    Thread.sleep(5500); // past the grace the session would have had on the dead node
    aliceOnB.expect("lock.renewed", "lock.renew", Map.of("resource", R, "token", token));
    assertThat(bob.eventsOf("presence.left")).isEmpty();
    assertThat(b.verify(R, token).status()).isEqualTo(200);
  }

  private static String read(TestServer node, String file) {
    try {
      return Files.readString(node.dir().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long countLines(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }
}
