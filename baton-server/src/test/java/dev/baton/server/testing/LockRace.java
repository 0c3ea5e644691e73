package dev.baton.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
 * <p>A grant sets a shared holder reference, which the client clears before it sends the release, so
 * a grant that arrives while the reference is set means two sessions held the lock at once (the run
 * fails at once). {@link Result#assertTokensIncreased} checks that tokens grew strictly in grant order.
 */
public final class LockRace {

  /**
   * What a race produced.
   *
   * @param grantOrder tokens in the order the grants arrived
   * @param refused how many attempts got LOCK_HELD
   * @param elapsedMs the race's run time
   */
  public record Result(List<Long> grantOrder, long refused, long elapsedMs) {

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
              synchronized (grantOrder) {
                grantOrder.add(r.path("token").asLong());
              }
              if (!holder.compareAndSet(c.label(), null)) {
                throw new AssertionError("the holder changed under " + c.label());
              }
              JsonNode released = c.release(resource);
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
    return new Result(List.copyOf(grantOrder), refused.get(), (System.nanoTime() - start) / 1_000_000);
  }
}
