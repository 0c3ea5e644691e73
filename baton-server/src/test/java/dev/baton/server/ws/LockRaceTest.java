package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC guarantees 1 and 2 under contention, over real sockets: 50 users joined to one record each try
 * 1,000 times to take the lock (and give it back when they get it), all at once.
 *
 * <p>A grant sets a shared holder reference, which the client clears before it sends the release, so
 * a grant that arrives while the reference is set means two sessions held the lock at once. Tokens
 * must increase strictly in grant order; afterwards the lock is free.
 */
class LockRaceTest {

  static final int USERS = 50;
  static final int ATTEMPTS = 1_000;
  static final String RESOURCE = "operation-report:race:diagnosis";

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.builder().lock("60s", "10s", "5s").start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void neverTwoHoldersAndTokensAlwaysGrow() throws Exception {
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      TestClient c = server.connect("user" + i, false);
      c.hello(server.token("user" + i, "User " + i, "clinician"));
      c.expect("joined", "join", Map.of("resource", RESOURCE, "mode", "view"));
      clients.add(c);
    }

    AtomicReference<String> holder = new AtomicReference<>();
    List<Long> grantOrder = new ArrayList<>();
    AtomicLong refused = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(USERS);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (TestClient c : clients) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < ATTEMPTS; i++) {
            JsonNode r = c.acquire(RESOURCE);
            String type = r.path("type").asText();
            if (type.equals("lock.granted")) {
              String other = holder.get();
              if (!holder.compareAndSet(null, c.label())) {
                throw new AssertionError("lock granted to " + c.label() + " while " + other + " held it: " + r);
              }
              synchronized (grantOrder) {
                grantOrder.add(r.path("token").asLong());
              }
              if (!holder.compareAndSet(c.label(), null)) {
                throw new AssertionError("the holder changed under " + c.label());
              }
              JsonNode released = c.release(RESOURCE);
              assertThat(released.path("type").asText()).as("release after a grant: %s", released)
                  .isEqualTo("lock.released");
            } else {
              assertThat(type).as("%s: %s", c.label(), r).isEqualTo("error");
              assertThat(r.path("code").asText()).as("%s: %s", c.label(), r).isEqualTo("LOCK_HELD");
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    long received = clients.stream().mapToLong(TestClient::receivedCount).sum();
    System.out.printf("LockRaceTest: %d users x %d attempts in %d ms: %d grants, %d LOCK_HELD, %d messages"
        + " received (%.0f msg/s)%n", USERS, ATTEMPTS, elapsedMs, grantOrder.size(), refused.get(), received,
        received * 1000.0 / Math.max(1, elapsedMs));

    assertThat(grantOrder.size() + refused.get()).isEqualTo((long) USERS * ATTEMPTS);
    assertThat(grantOrder).as("grants").isNotEmpty();
    for (int i = 1; i < grantOrder.size(); i++) {
      if (grantOrder.get(i) <= grantOrder.get(i - 1)) {
        throw new AssertionError("grant " + i + " got token " + grantOrder.get(i) + " after "
            + grantOrder.get(i - 1));
      }
    }
    JsonNode state = server.resourceState(RESOURCE);
    assertThat(state.path("lock").path("holder").isNull()).as("the lock is free at the end: %s", state).isTrue();
    assertThat(state.path("presence").path("members")).hasSize(USERS);
    server.assertTokensPrivate();
    assertThat(elapsedMs).as("run time of the race (budget about 60 s on 2 cores)").isLessThan(120_000);
  }
}
