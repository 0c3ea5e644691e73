package dev.baton.core.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryFencingCounterTest {

  @Test
  void firstTokenIsStartPlusOne() {
    assertThat(new MemoryFencingCounter(0).next()).isEqualTo(1);
    assertThat(new MemoryFencingCounter(41).next()).isEqualTo(42);
  }

  @Test
  void strictlyIncreasing() {
    MemoryFencingCounter counter = new MemoryFencingCounter(1_000);

    long previous = 1_000;
    for (int i = 0; i < 10_000; i++) {
      long token = counter.next();
      assertThat(token).isGreaterThan(previous);
      previous = token;
    }
  }
}
