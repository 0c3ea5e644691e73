package dev.baton.server.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Fan-out = latest receive − earliest server ts, once every member has the change. */
class FanoutTrackerTest {

  private final Stats stats = new Stats();

  @Test
  void recordsWhenTheLastMemberReceivesIt() {
    stats.phase(new Phase(0, 1, 0, 0, Long.MAX_VALUE, 1_000, 10_000_000));
    FanoutTracker t = new FanoutTracker(3, stats);
    t.baseline(3);
    t.received(3, 5_000, 5_000_100); // a join, ignored
    t.received(4, 5_001, 5_001_300);
    t.received(4, 5_000, 5_002_000);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isZero();
    t.received(4, 5_002, 5_004_500);

    Histogram h = stats.takeMeasured(Stats.Series.FANOUT);
    assertThat(h.getTotalCount()).isEqualTo(1);
    assertThat(h.getMaxValue()).isBetween(4_490L, 4_510L); // 5_004_500 µs − 5_000 ms
  }

  @Test
  void countsAChangeThatNeverReachedEveryoneOnceItsSlotIsReused() {
    stats.phase(new Phase(0, 1, 0, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    FanoutTracker t = new FanoutTracker(2, stats);
    t.received(1, 10, 10_500);
    for (long v = 2; v <= FanoutTracker.SLOTS + 1; v++) {
      t.received(v, 10, 10_500);
      t.received(v, 10, 10_600);
    }
    assertThat(stats.fanoutIncomplete.sum()).isEqualTo(1);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(FanoutTracker.SLOTS);
  }
}
