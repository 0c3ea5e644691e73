package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.Event;
import dev.baton.core.event.LockRequested;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.store.EventRecorder;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import dev.baton.core.time.FakeClock;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The whole store contract against {@link RedisStore} on a real Redis (the embedded 7.0.15 binary,
 * started once for the class on a free port), each store under its own random key prefix (the
 * centrifuge pattern), on a fake clock that starts on a whole microsecond below 2^53 us. Plus what
 * only Redis has: fencing tokens across a new store instance, the {@code NOSCRIPT} fallback, one
 * command per lock operation, the events on the document channel, Redis down and back, a hung
 * Redis, and Redis {@code TIME}.
 */
class RedisStoreTest extends RedisStoreContract {

  private static RedisServer server;
  private static int port;
  private static Vertx vertx;
  private static SingleConnectionLink link;

  @BeforeAll
  static void startRedis() {
    port = freePort();
    server = newServer(port);
    server.start();
    vertx = Vertx.vertx();
    link = SingleConnectionLink.create(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port),
        Duration.ofSeconds(5));
  }

  @AfterAll
  static void stopRedis() throws Exception {
    link.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    server.stop();
  }

  @Override
  protected SingleConnectionLink link() {
    return link;
  }

  @Override
  protected RedisKeys keys(String prefix) {
    return new RedisKeys(prefix);
  }

  // ---------------------------------------------------------------------------------------------
  // Redis only

  @Test
  void tokensKeepIncreasingInANewStoreOnTheSameRedisEvenWithTheWallClockBehind() {
    Tab alice = viewer("alice", DIAGNOSIS);
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tokens.add(acquire(alice, DIAGNOSIS).token());
      await(store().release(alice.sessionId(), DIAGNOSIS));
    }

    FakeClock behind = new FakeClock(START_NANOS, START_WALL_MS - Duration.ofHours(1).toMillis());
    EventRecorder events = new EventRecorder();
    Store restarted = new RedisStore(link, new RedisKeys(prefix), policies(policy()), events,
        RedisTime.injected(behind), "node-b");
    String session = await(restarted.openSession(principal("bob"), "conn-b")).sessionId();
    await(restarted.join(session, DIAGNOSIS, JoinMode.VIEW, true));
    for (int i = 0; i < 3; i++) {
      tokens.add(granted(await(restarted.acquire(session, DIAGNOSIS, false, false))).token());
      await(restarted.release(session, DIAGNOSIS));
    }

    assertThat(tokens).isSorted().doesNotHaveDuplicates();
    assertThat(tokens.get(0)).as("never below the wall clock in microseconds").isGreaterThanOrEqualTo(START_WALL_MS * 1000);
  }

  @Test
  void theLibraryIsLoadedAgainAfterFunctionFlushAndTokensKeepIncreasing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease first = acquire(alice, DIAGNOSIS);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    try (RawRedis raw = new RawRedis(port)) {
      assertThat(raw.call("FUNCTION", "FLUSH")).isEqualTo("OK");
      assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", FunctionLibrary.NAME)).isEmpty();
    }

    Lease second = acquire(alice, DIAGNOSIS);
    Lease renewed = renew(alice, DIAGNOSIS, second.token());
    await(store().release(alice.sessionId(), DIAGNOSIS));

    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(renewed.token()).isEqualTo(second.token());
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    try (RawRedis raw = new RawRedis(port)) {
      assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", FunctionLibrary.NAME)).hasSize(1);
    }
  }

  /**
   * A rolling upgrade: another Baton version's library (another hash, so other function names) is
   * loaded beside this one; both answer, neither replaces the other, and removing the old one is one
   * {@code FUNCTION DELETE}.
   */
  @Test
  @SuppressWarnings("unchecked")
  void twoLibraryVersionsLiveSideBySide() {
    String other = "baton_000000000000";
    assertThat(FunctionLibrary.NAME).matches("baton_[0-9a-f]{12}").isNotEqualTo(other);
    String otherSource = FunctionLibrary.SOURCE.replace(FunctionLibrary.NAME, other);
    String due = new RedisKeys(prefix).due();
    try (RawRedis raw = new RawRedis(port)) {
      assertThat(raw.call("FUNCTION", "LOAD", otherSource)).isEqualTo(other);
      try {
        Tab alice = viewer("alice", DIAGNOSIS);
        Lease lease = acquire(alice, DIAGNOSIS);
        assertThat(raw.call("ZSCORE", due, DIAGNOSIS.document())).as("this version recorded a deadline").isNotNull();

        String farFuture = Long.toString(1L << 52);
        assertThat((List<Object>) raw.call("FCALL", other + "_due", "1", due, farFuture, "0", "10"))
            .as("the other version reads the same data").containsExactly(DIAGNOSIS.document());
        assertThat((List<Object>) raw.call("FCALL", LuaScript.DUE.function(), "1", due, farFuture, "0", "10"))
            .containsExactly(DIAGNOSIS.document());
        assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
        assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", "baton_*")).hasSizeGreaterThanOrEqualTo(2);
      } finally {
        assertThat(raw.call("FUNCTION", "DELETE", other)).isEqualTo("OK");
      }
      assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", FunctionLibrary.NAME)).hasSize(1);
    }
  }

  @Test
  void acquireRenewAndReleaseAreOneRedisCommandEach() throws Exception {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease warm = acquire(alice, DIAGNOSIS);
    renew(alice, DIAGNOSIS, warm.token());
    await(store().release(alice.sessionId(), DIAGNOSIS));

    assertOneFcall(() -> acquire(alice, DIAGNOSIS));
    long token = state(DIAGNOSIS, alice).lock().token();
    assertOneFcall(() -> renew(alice, DIAGNOSIS, token));
    assertOneFcall(() -> await(store().release(alice.sessionId(), DIAGNOSIS)));
  }

  /**
   * Runs {@code op} between two {@code INFO commandstats} and under {@code MONITOR}: exactly one
   * command came from a client ({@code FCALL}; no {@code FUNCTION LOAD} fallback, no script), the
   * rest ran inside it.
   */
  private static void assertOneFcall(Runnable op) throws Exception {
    try (RawRedis info = new RawRedis(port); RawRedis monitor = new RawRedis(port)) {
      Map<String, Long> before = info.commandCalls();
      assertThat(monitor.call("MONITOR")).isEqualTo("OK");
      op.run();
      String marker = "baton-marker-" + UUID.randomUUID();
      info.call("ECHO", marker);
      List<String> fromClients = new ArrayList<>();
      while (true) {
        String line = (String) monitor.read();
        if (line.contains(marker)) {
          break;
        }
        if (!line.contains(" lua] ")) {
          fromClients.add(line);
        }
      }
      Map<String, Long> after = info.commandCalls();
      assertThat(fromClients).as("commands sent by clients").hasSize(1);
      assertThat(fromClients.get(0)).containsIgnoringCase("\"FCALL\"");
      assertThat(after.getOrDefault("fcall", 0L) - before.getOrDefault("fcall", 0L)).isEqualTo(1);
      for (String other : List.of("function|load", "eval", "evalsha")) {
        assertThat(after.getOrDefault(other, 0L) - before.getOrDefault(other, 0L)).as(other).isZero();
      }
    }
  }

  @Test
  void everyScriptPublishesItsEventsOnTheDocumentChannelWithTheNextSequenceNumber() {
    Tab alice = viewer("alice", DIAGNOSIS);
    RedisKeys keys = new RedisKeys(prefix);
    RedisEventCodec codec = new RedisEventCodec(new ObjectMapper());
    try (RawRedis sub = new RawRedis(port)) {
      sub.call("SUBSCRIBE", keys.events(DIAGNOSIS.document()));
      int mark = recorder().mark();

      Lease lease = acquire(alice, DIAGNOSIS);
      renew(alice, DIAGNOSIS, lease.token());

      List<Event> published = new ArrayList<>();
      long seq = 0;
      for (int i = 0; i < 2; i++) {
        @SuppressWarnings("unchecked")
        List<Object> message = (List<Object>) sub.read();
        RedisEventCodec.Batch batch = codec.decodeBatch((String) message.get(2));
        if (seq != 0) {
          assertThat(batch.seq()).isEqualTo(seq + 1);
        }
        seq = batch.seq();
        published.addAll(batch.events());
      }
      assertThat(published).isEqualTo(recorder().since(mark));
      assertThat(published).last().isInstanceOf(LockStateChanged.class);
    }
  }

  @Test
  void redisDownIsUnavailableAndServiceResumesWhenItIsBack() {
    Tab alice = viewer("alice", DIAGNOSIS);
    server.stop();
    try {
      BatonException down = refused(ErrorCode.UNAVAILABLE, store().acquire(alice.sessionId(), DIAGNOSIS, false, false));
      assertThat(down.code().retryable()).isTrue();
      refused(ErrorCode.UNAVAILABLE, store().openSession(principal("bob"), "conn-bob"));
      refused(ErrorCode.UNAVAILABLE, store().sweep());
    } finally {
      server = newServer(port);
      server.start();
    }

    Tab bob = viewer("bob", DIAGNOSIS); // the embedded Redis keeps nothing across a restart
    Lease lease = acquire(bob, DIAGNOSIS);
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  @Test
  void aHungRedisIsUnavailableAfterTheCommandTimeoutAndServiceResumes() throws Exception {
    SingleConnectionLink quick = SingleConnectionLink.create(vertx,
        new RedisOptions().setConnectionString("redis://127.0.0.1:" + port), Duration.ofMillis(300));
    try (RawRedis raw = new RawRedis(port)) {
      Store store = new RedisStore(quick, new RedisKeys(prefix), policies(policy()), recorder(),
          RedisTime.injected(clock), "node-a");
      String session = await(store.openSession(principal("alice"), "conn-q")).sessionId();
      raw.send("DEBUG", "SLEEP", "1");
      Thread.sleep(50); // let Redis start sleeping

      refused(ErrorCode.UNAVAILABLE, store.join(session, DIAGNOSIS, JoinMode.VIEW, true));

      assertThat(raw.read()).isEqualTo("OK"); // Redis is awake again
      assertThat(await(store.join(session, DIAGNOSIS, JoinMode.EDIT, true)).state().lock().held()).isTrue();
    } finally {
      quick.close();
    }
  }

  @Test
  void redisTimeDrivesTheLeaseWhenNoClockIsInjected() {
    Store real = new RedisStore(link, new RedisKeys(prefix), policies(policy()), recorder(), RedisTime.server(),
        "node-a");
    String session = await(real.openSession(principal("alice"), "conn-t")).sessionId();
    await(real.join(session, DIAGNOSIS, JoinMode.VIEW, true));

    Lease lease = granted(await(real.acquire(session, DIAGNOSIS, false, false)));

    assertThat(lease).isNotNull();
    assertThat(lease.remainingMs()).isBetween(TTL.toMillis() - 1000, TTL.toMillis());
    try (RawRedis raw = new RawRedis(port)) {
      @SuppressWarnings("unchecked")
      List<Object> t = (List<Object>) raw.call("TIME");
      long redisMs = Long.parseLong((String) t.get(0)) * 1000 + Long.parseLong((String) t.get(1)) / 1000;
      assertThat(lease.expiresAt()).isBetween(redisMs + TTL.toMillis() - 2000, redisMs + TTL.toMillis());
    }
    assertThat(await(real.verify(DIAGNOSIS, lease.token())).valid()).isTrue();
  }

  /**
   * Commit order on one node rests on this: every event reaches the sink on the link's one thread,
   * in reply order, never on a caller's thread (where a reply that arrived before the caller had
   * added its callbacks would otherwise be handled, racing the replies behind it).
   */
  @Test
  void everyEventReachesTheSinkOnTheLinksThreadWhateverThreadCalls() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    EventRecorder events = new EventRecorder();
    Store store = new RedisStore(new LaggingCallerLink(link), new RedisKeys(prefix), policies(policy()), event -> {
      threads.add(Thread.currentThread().getName());
      events.publish(event);
    }, RedisTime.injected(clock), "node-a");
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String session = await(store.openSession(principal("racer" + i), "conn-" + i)).sessionId();
      await(store.join(session, DIAGNOSIS, JoinMode.VIEW, true));
      sessions.add(session);
    }
    ExecutorService pool = Executors.newFixedThreadPool(sessions.size());
    try {
      List<Future<?>> racers = new ArrayList<>();
      for (String session : sessions) {
        racers.add(pool.submit(() -> {
          for (int r = 0; r < 25; r++) {
            try {
              await(store.acquire(session, DIAGNOSIS, false, false));
              await(store.release(session, DIAGNOSIS));
            } catch (BatonException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.LOCK_HELD);
            }
          }
        }));
      }
      for (Future<?> racer : racers) {
        racer.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(events.all()).isNotEmpty();
    assertThat(threads).as("threads that handed events to the sink").hasSize(1);
  }

  /**
   * A link whose {@code send}, when called from any thread but the link's own, returns only once
   * the reply is there: a caller descheduled between sending and adding its callbacks, made certain.
   */
  private static final class LaggingCallerLink implements RedisLink {

    private final RedisLink delegate;
    private volatile Thread linkThread;

    LaggingCallerLink(RedisLink delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.vertx.core.Future<Response> send(Request request) {
      io.vertx.core.Future<Response> reply = delegate.send(request);
      if (Thread.currentThread() != linkThread) {
        try {
          reply.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the caller sees the failure through the future
        }
      }
      return reply;
    }

    @Override
    public void execute(Runnable task) {
      delegate.execute(() -> {
        linkThread = Thread.currentThread();
        task.run();
      });
    }
  }

  @Test
  void tokensJustBelowTwoToThe53AreExact() {
    long high = (1L << 53) - 100;
    try (RawRedis raw = new RawRedis(port)) {
      raw.call("SET", new RedisKeys(prefix).fence(DIAGNOSIS.document()), Long.toString(high));
    }
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);

    Lease first = acquire(alice, DIAGNOSIS);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    Lease second = acquire(bob, DIAGNOSIS);

    assertThat(first.token()).isEqualTo(high + 1);
    assertThat(second.token()).isEqualTo(high + 2);
    assertThat(verify(DIAGNOSIS, second.token()).valid()).isTrue();
    assertInvalid(verify(DIAGNOSIS, first.token()), "superseded");
    assertThat(renew(bob, DIAGNOSIS, second.token()).token()).isEqualTo(high + 2);
  }

  @Test
  void namesAndMessagesWithQuotesControlCharactersAndUnicodeSurviveTheScripts() {
    String name = "Dr. \"O'Brien\" \\ Ünïcødé ✓ \u0001\n\ttab";
    var odd = new Principal("odd\"user", name, Set.of(),
        AccessRules.uniform(Access.EDIT));
    String session = await(store().openSession(odd, "conn-odd")).sessionId();
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);

    var joined = await(store().join(session, DIAGNOSIS, JoinMode.VIEW, true));
    await(store().request(session, DIAGNOSIS, "bitte \"jetzt\" — ✓\n"));

    assertThat(joined.state().presence().members())
        .filteredOn(m -> m.sessionId().equals(session))
        .singleElement()
        .satisfies(m -> assertThat(m.name()).isEqualTo(name));
    var requested = single(recorder().ofType(LockRequested.class));
    assertThat(requested.by().name()).isEqualTo(name);
    assertThat(requested.by().userId()).isEqualTo("odd\"user");
    assertThat(requested.message()).isEqualTo("bitte \"jetzt\" — ✓\n");
  }

  @Test
  void statsCountSessionsAndLocksAsOfTheLastSweep() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", FINDINGS);
    acquire(alice, DIAGNOSIS);
    acquire(bob, FINDINGS);
    sweep();
    assertThat(store().stats()).isEqualTo(new StoreStats(2, 2));

    await(store().release(bob.sessionId(), FINDINGS));
    await(store().endSession(bob.sessionId()));
    advance(TTL);
    sweep();

    assertThat(store().stats()).isEqualTo(new StoreStats(1, 0));
  }

  // ---------------------------------------------------------------------------------------------

  private static RedisServer newServer(int port) {
    return RedisServer.builder()
        .port(port)
        .setting("bind 127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("enable-debug-command local")
        .build();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
