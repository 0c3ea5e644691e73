package dev.baton.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SPEC guarantees 1 and 2 under contention, over real sockets: every client tries {@code attempts}
 * times, all at once, to take one resource's lock and gives it back when it gets it.
 *
 * <p>A grant sets a shared holder reference; the holder then renews its lock with its token (a full
 * round trip, which must answer {@code lock.renewed}: the server still counts it the holder) and
 * clears the reference before it sends the release. The server holds the lock for the holder during
 * that whole window, so a grant that arrives while the reference is set means two sessions held the
 * lock at once (the run fails at once); the renewal's round trip makes the window wide enough for an
 * overlapping grant to be seen. A refusal must be {@code LOCK_HELD} naming another holder. {@link
 * Result#assertTokensIncreased} checks that tokens grew strictly in grant order, {@link
 * Result#assertManyGrants} that the race really passed the lock around.
 */
public final class LockRace {

  /**
   * What a race produced.
   *
   * @param grantOrder tokens in the order the grants arrived
   * @param grantsByClient grants per client label (clients never granted are absent)
   * @param refused how many attempts got LOCK_HELD
   * @param elapsedMs the race's run time
   */
  public record Result(List<Long> grantOrder, Map<String, Long> grantsByClient, long refused, long elapsedMs) {

    /**
     * The lock changed hands often: at least {@code minGrants} grants in all, and at least {@code
     * minClients} different clients were granted it (a race that a stuck lock or a single winner ends
     * early would otherwise pass on its few grants).
     */
    public void assertManyGrants(long minGrants, int minClients) {
      assertThat((long) grantOrder.size()).as("grants in all; per client: %s", grantsByClient)
          .isGreaterThanOrEqualTo(minGrants);
      assertThat(grantsByClient.size()).as("clients granted at least once: %s", grantsByClient)
          .isGreaterThanOrEqualTo(minClients);
      assertThat(grantsByClient.values().stream().mapToLong(Long::longValue).sum())
          .as("grants per client add up").isEqualTo(grantOrder.size());
    }

    /** Every attempt was answered, some were granted, and tokens grew strictly in grant order. */
    public void assertTokensIncreased(long attempts) {
      assertThat(grantOrder.size() + refused).isEqualTo(attempts);
      assertThat(grantOrder).as("grants").isNotEmpty();
      for (int i = 1; i < grantOrder.size(); i++) {
        if (grantOrder.get(i) <= grantOrder.get(i - 1)) {
          throw new AssertionError("grant " + i + " got token " + grantOrder.get(i) + " after "
              + grantOrder.get(i - 1));
        }
      }
    }
  }

  private LockRace() {}

  /** Runs the race; the clients have joined {@code resource} already. */
  public static Result run(List<TestClient> clients, String resource, int attempts) throws Exception {
    AtomicReference<String> holder = new AtomicReference<>();
    List<Long> grantOrder = new ArrayList<>();
    AtomicLong refused = new AtomicLong();
    Map<String, Long> grantsByClient = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (TestClient c : clients) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < attempts; i++) {
            JsonNode r = c.acquire(resource);
            String type = r.path("type").asText();
            if (type.equals("lock.granted")) {
              String other = holder.get();
              if (!holder.compareAndSet(null, c.label())) {
                throw new AssertionError("lock granted to " + c.label() + " while " + other + " held it: " + r);
              }
              long token = r.path("token").asLong();
              synchronized (grantOrder) {
                grantOrder.add(token);
              }
              grantsByClient.merge(c.label(), 1L, Long::sum);
              JsonNode renewed = c.renew(resource, token);
              assertThat(renewed.path("type").asText()).as("%s renews its own lock: %s", c.label(), renewed)
                  .isEqualTo("lock.renewed");
              if (!holder.compareAndSet(c.label(), null)) {
                throw new AssertionError("the holder changed under " + c.label());
              }
              JsonNode released = c.release(resource);
              assertThat(released.path("type").asText()).as("release after a grant: %s", released)
                  .isEqualTo("lock.released");
            } else {
              assertThat(type).as("%s: %s", c.label(), r).isEqualTo("error");
              assertThat(r.path("code").asText()).as("%s: %s", c.label(), r).isEqualTo("LOCK_HELD");
              assertThat(r.path("holder").path("userId").asText()).as("%s refused by: %s", c.label(), r)
                  .isNotEmpty().isNotEqualTo(c.welcome().path("user").path("id").asText());
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
    return new Result(List.copyOf(grantOrder), Map.copyOf(grantsByClient), refused.get(),
        (System.nanoTime() - start) / 1_000_000);
  }
}
