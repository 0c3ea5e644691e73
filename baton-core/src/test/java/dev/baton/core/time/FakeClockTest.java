package dev.baton.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void startsWhereTold() {
    FakeClock clock = new FakeClock(42, 1_000);

    assertThat(clock.monotonicNanos()).isEqualTo(42);
    assertThat(clock.wallMillis()).isEqualTo(1_000);
  }

  @Test
  void advanceMovesBothReadings() {
    FakeClock clock = new FakeClock(-5, 1_000);

    clock.advance(Duration.ofSeconds(5)).advance(Duration.ofMillis(250));

    assertThat(clock.monotonicNanos()).isEqualTo(-5 + 5_250_000_000L);
    assertThat(clock.wallMillis()).isEqualTo(6_250);
  }

  @Test
  void jumpWallMovesOnlyTheWallClock() {
    FakeClock clock = new FakeClock(7, 1_000_000);

    clock.jumpWall(Duration.ofHours(1));
    assertThat(clock.monotonicNanos()).isEqualTo(7);
    assertThat(clock.wallMillis()).isEqualTo(1_000_000 + 3_600_000);

    clock.jumpWall(Duration.ofHours(-2));
    assertThat(clock.monotonicNanos()).isEqualTo(7);
    assertThat(clock.wallMillis()).isEqualTo(1_000_000 - 3_600_000);
  }

  @Test
  void nearOverflowWrapsAndStillComparesAsADifference() {
    FakeClock clock = FakeClock.nearOverflow();
    long before = clock.monotonicNanos();
    assertThat(Long.MAX_VALUE - before).isEqualTo(Duration.ofMinutes(1).toNanos());

    clock.advance(Duration.ofMinutes(2));
    long after = clock.monotonicNanos();

    assertThat(after).isNegative(); // wrapped: a plain after > before would be wrong
    assertThat(after - before).isEqualTo(Duration.ofMinutes(2).toNanos());
    assertThat(after - before > 0).isTrue();
    assertThat(before - after < 0).isTrue();
  }

  @Test
  void nearOverflowWallClockIsTheDocumentedDate() {
    assertThat(Instant.ofEpochMilli(FakeClock.nearOverflow().wallMillis()))
        .isEqualTo(Instant.parse("2025-11-29T12:00:00Z"));
  }
}
