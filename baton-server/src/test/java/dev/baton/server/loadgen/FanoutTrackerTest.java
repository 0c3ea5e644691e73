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
    t.start();
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
    t.start();
    t.received(1, 10, 10_500);
    for (long v = 2; v <= FanoutTracker.SLOTS + 1; v++) {
      t.received(v, 10, 10_500);
      t.received(v, 10, 10_600);
    }
    assertThat(stats.fanoutIncomplete.sum()).isEqualTo(1);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(FanoutTracker.SLOTS);
  }

  @Test
  void joinsSeenBeforeTheStartAreNeitherChangesNorIncomplete() {
    // On the Redis store a join's presence.joined reaches the other members before the joiner's reply
    // raises the baseline: 100 joins, each seen by one member only before its reply arrived.
    stats.phase(new Phase(0, 1, 0, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    FanoutTracker t = new FanoutTracker(3, stats);
    for (long v = 1; v <= 100; v++) {
      t.received(v, 10, 10_500);
      t.baseline(v);
    }
    t.start();
    for (long v = 101; v <= 140; v++) {
      for (int member = 0; member < 3; member++) {
        t.received(v, 20, 20_500);
      }
    }
    assertThat(stats.fanoutIncomplete.sum()).isZero();
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(40);
  }

  @Test
  void aChangeThatReachedAMemberInsideASnapshotIsReceivedAndCountedApart() {
    stats.phase(new Phase(0, 1, 0, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    FanoutTracker t = new FanoutTracker(2, stats);
    t.start();
    t.received(1, 10, 10_500);
    t.receivedInSnapshot(1, 11, 11_200);
    t.received(2, 20, 20_100);
    t.received(2, 20, 20_200);

    Histogram h = stats.takeMeasured(Stats.Series.FANOUT);
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMaxValue()).isBetween(1_195L, 1_205L); // 11_200 µs − 10 ms
    assertThat(stats.fanoutViaSnapshot.sum()).isEqualTo(1);
    assertThat(stats.fanoutIncomplete.sum()).isZero();
  }
}
