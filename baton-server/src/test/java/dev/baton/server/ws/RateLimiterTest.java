package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.ws.RateLimiter.Verdict;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long WINDOW = 10 * SECOND;
  /** Near overflow, so that a comparison written as a < b instead of a - b < 0 would fail. */
  private static final long T0 = Long.MAX_VALUE - 3 * SECOND;

  @Test
  void aFullBucketLetsTheBurstThroughThenRefusesUntilItRefills() {
    RateLimiter limiter = new RateLimiter(10, 20, 100, WINDOW, T0);

    for (int i = 0; i < 20; i++) {
      assertThat(limiter.onMessage(T0)).as("message %d of the burst", i).isEqualTo(Verdict.ALLOW);
    }
    assertThat(limiter.onMessage(T0)).isEqualTo(Verdict.REJECT);
    assertThat(limiter.retryAfterMs()).isEqualTo(100);

    long later = T0 + SECOND / 10;
    assertThat(limiter.onMessage(later)).as("one token refilled after 100 ms").isEqualTo(Verdict.ALLOW);
    assertThat(limiter.onMessage(later)).isEqualTo(Verdict.REJECT);
  }

  @Test
  void aSteadyClientAtTheRateIsNeverRefused() {
    RateLimiter limiter = new RateLimiter(50, 50, 1, WINDOW, T0);

    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.onMessage(T0 + i * (SECOND / 50))).as("message %d", i).isEqualTo(Verdict.ALLOW);
    }
  }

  @Test
  void theBucketNeverHoldsMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(10, 5, 100, WINDOW, T0);
    long muchLater = T0 + 60 * SECOND;

    for (int i = 0; i < 5; i++) {
      assertThat(limiter.onMessage(muchLater)).isEqualTo(Verdict.ALLOW);
    }
    assertThat(limiter.onMessage(muchLater)).isEqualTo(Verdict.REJECT);
  }

  @Test
  void rejectionsWithinOneWindowCloseTheConnection() {
    RateLimiter limiter = new RateLimiter(1, 1, 3, WINDOW, T0);
    assertThat(limiter.onMessage(T0)).isEqualTo(Verdict.ALLOW);

    assertThat(limiter.onMessage(T0 + 1)).isEqualTo(Verdict.REJECT);
    assertThat(limiter.onMessage(T0 + 2)).isEqualTo(Verdict.REJECT);
    assertThat(limiter.onMessage(T0 + 3)).isEqualTo(Verdict.CLOSE);
  }

  @Test
  void rejectionsSpreadOverWindowsDoNotClose() {
    RateLimiter limiter = new RateLimiter(1, 1, 3, WINDOW, T0);
    long t = T0;
    for (int window = 0; window < 5; window++) {
      assertThat(limiter.onMessage(t)).isEqualTo(Verdict.ALLOW);
      assertThat(limiter.onMessage(t)).isEqualTo(Verdict.REJECT);
      assertThat(limiter.onMessage(t)).isEqualTo(Verdict.REJECT);
      t += WINDOW;
    }
  }
}
