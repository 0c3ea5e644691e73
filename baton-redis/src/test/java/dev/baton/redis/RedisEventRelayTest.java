package dev.baton.redis;

import static dev.baton.redis.RedisTesting.await;
import static dev.baton.redis.RedisTesting.newPrefix;
import static dev.baton.redis.RedisTesting.principal;
import static dev.baton.redis.RedisTesting.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.engine.Hub;
import dev.baton.core.event.Event;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceSnapshot;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.EventRecorder;
import dev.baton.core.store.Store;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import dev.baton.redis.RedisTesting.Tab;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * {@link RedisEventRelay} on a real Redis, between two stores that share a key prefix: node B (a
 * store whose events go through a relay into a hub with one member) and node X (a bare store, the
 * "other node"). Each on its own Vert.x, as two processes would be.
 */
class RedisEventRelayTest {

  static final ResourceId R = ResourceId.parse("report:r1:diagnosis");

  private static RedisServer server;
  private static int port;

  private PausableProxy proxy;
  private RelayNodes nodes;
  private RedisEventRelay relay;
  private RedisStore storeB;
  private RedisStore storeX;
  private final EventRecorder ownB = new EventRecorder();
  private final EventRecorder eventsX = new EventRecorder();
  private final Tab tab = new Tab("conn-b1");
  private String sessionB;
  private String sessionX;

  @BeforeAll
  static void startRedis() {
    port = freePort();
    server = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"")
        .setting("appendonly no").build();
    server.start();
  }

  @AfterAll
  static void stopRedis() {
    server.stop();
  }

  @BeforeEach
  void nodes() {
    RedisKeys keys = new RedisKeys(newPrefix());
    RedisOptions options = new RedisOptions().setConnectionString("redis://127.0.0.1:" + port);
    // Node B's pub/sub connection goes through a proxy that can hold its messages back.
    proxy = new PausableProxy(port);
    RedisOptions viaProxy = new RedisOptions().setConnectionString("redis://127.0.0.1:" + proxy.port());
    nodes = new RelayNodes(options, viaProxy, keys, hub -> new EventRecorderSink(ownB, hub), eventsX);
    relay = nodes.relay;
    storeB = nodes.storeB;
    storeX = nodes.storeX;

    nodes.hub.expect(tab);
    sessionB = await(storeB.openSession(principal("bob"), tab.connectionId())).sessionId();
    await(storeB.join(sessionB, R, JoinMode.VIEW, true));
    waitUntil(relay::connected);
    // X's join must find B's subscription to the document in place, else B gets it as a resync's
    // presence snapshot (correct, but the tests below count on a quiet start).
    String channel = keys.events(R.document());
    try (RawRedis raw = new RawRedis(port)) {
      waitUntil(() -> subscribers(raw, channel) == 1);
    }
    sessionX = await(storeX.openSession(principal("xavier"), "conn-x1")).sessionId();
    await(storeX.join(sessionX, R, JoinMode.VIEW, true));
    tab.await(e -> e instanceof PresenceJoined j && j.member().userId().equals("xavier"));
  }

  @AfterEach
  void close() throws Exception {
    proxy.close();
    nodes.close();
  }

  @Test
  void underContentionEveryLockStateOfBothNodesArrivesOnceAndInCommitOrder() throws Exception {
    int rounds = 150;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (Store store : List.of(storeB, storeX)) {
        String session = store == storeB ? sessionB : sessionX;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < rounds; i++) {
            try {
              if (await(store.acquire(session, R, false, false)) instanceof AcquireResult.Granted) {
                await(store.release(session, R));
              }
            } catch (CompletionException e) {
              // LOCK_HELD: the other node has it
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long expected = count(ownB.all(), LockStateChanged.class) + count(eventsX.all(), LockStateChanged.class);
    waitUntil(() -> count(tab.events(), LockStateChanged.class) >= expected);
    Thread.sleep(300); // a duplicate would come now

    List<LockStateChanged> seen = new ArrayList<>();
    for (Event e : tab.events()) {
      if (e instanceof LockStateChanged l) {
        seen.add(l);
      }
    }
    assertThat((long) seen.size()).as("every lock.state of both nodes, each once").isEqualTo(expected);
    long lastToken = 0;
    for (LockStateChanged l : seen) {
      if (l.lock().held()) {
        assertThat(l.lock().token()).as("holders appear in commit (token) order").isGreaterThanOrEqualTo(lastToken);
        lastToken = l.lock().token();
      }
    }
    assertThat(lastToken).isPositive();
  }

  @Test
  void eventsMissedWhileThePubSubConnectionWasDownAreMadeUpForByASnapshot() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Hold node B's thread so that it cannot reconnect while node X changes the resource.
    nodes.linkB.execute(() -> {
      blocked.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    blocked.await();
    try (RawRedis raw = new RawRedis(port)) {
      assertThat(raw.call("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(1L);
      AcquireResult granted = await(storeX.acquire(sessionX, R, false, false)); // published to nobody
      assertThat(granted).isInstanceOf(AcquireResult.Granted.class);
    } finally {
      release.countDown();
    }

    PresenceSnapshot snapshot = (PresenceSnapshot) tab.await(e -> e instanceof PresenceSnapshot);
    LockStateChanged fresh = (LockStateChanged) tab.await(e -> e instanceof LockStateChanged);
    assertThat(snapshot.presence().members()).extracting(Member::userId).containsExactly("bob", "xavier");
    assertThat(snapshot.presence().version()).isEqualTo(3); // xavier became the editor: the missed change
    assertThat(fresh.lock().holder().userId()).isEqualTo("xavier");
    assertThat(tab.events().indexOf(fresh)).as("the lock state follows the snapshot")
        .isEqualTo(tab.events().indexOf(snapshot) + 1);

    // And the channel works again: the next change arrives as an event.
    await(storeX.release(sessionX, R));
    tab.await(e -> e instanceof LockStateChanged l && !l.lock().held());
  }

  @Test
  void aBatchThatArrivesAfterTheSnapshotThatCoveredItStillDeliversItsSessionEvents() {
    assertThat(await(storeB.acquire(sessionB, R, false, false))).isInstanceOf(AcquireResult.Granted.class);
    tab.await(e -> e instanceof LockStateChanged l && l.lock().held());

    proxy.pause(); // node B's pub/sub messages wait in the proxy
    try {
      // Node X breaks the glass: its batch revokes bob's lock, and B does not see it yet.
      assertThat(await(storeX.takeover(sessionX, R, "Cardiac arrest", true))).isInstanceOf(AcquireResult.Granted.class);
      // Bob (on B) joins another tab of the document: his reply overtakes X's batch, B waits for the
      // predecessor, gives up after GAP_WAIT_MS and resynchronizes from a snapshot that covers it.
      await(storeB.join(sessionB, ResourceId.parse("report:r1:procedure"), JoinMode.VIEW, true));
      tab.await(e -> e instanceof PresenceSnapshot p && p.resource().equals(R));
      assertThat(tab.events()).noneMatch(e -> e instanceof dev.baton.core.event.LockRevoked);
    } finally {
      proxy.resume();
    }

    // X's batch arrives late: its lock state is stale, but bob must still learn his lock was revoked.
    dev.baton.core.event.LockRevoked revoked =
        (dev.baton.core.event.LockRevoked) tab.await(e -> e instanceof dev.baton.core.event.LockRevoked);
    assertThat(revoked.sessionId()).isEqualTo(sessionB);
    assertThat(revoked.reason()).isEqualTo("Cardiac arrest");
    LockStateChanged last = null;
    for (Event e : tab.events()) {
      if (e instanceof LockStateChanged l && l.resource().equals(R)) {
        last = l;
      }
    }
    assertThat(last.lock().holder().userId()).as("no stale lock state after the snapshot").isEqualTo("xavier");
  }

  // ---------------------------------------------------------------- helpers

  /** Records this node's events, then hands them to the hub (as the auditing sink would). */
  private record EventRecorderSink(EventRecorder recorder, Hub hub) implements dev.baton.core.event.EventSink {
    @Override
    public void publish(Event event) {
      recorder.publish(event);
      hub.publish(event);
    }
  }

  private static long subscribers(RawRedis raw, String channel) {
    @SuppressWarnings("unchecked")
    List<Object> reply = (List<Object>) raw.call("PUBSUB", "NUMSUB", channel);
    return (Long) reply.get(1);
  }

  private static long count(List<? extends Event> events, Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      sleep(10);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
