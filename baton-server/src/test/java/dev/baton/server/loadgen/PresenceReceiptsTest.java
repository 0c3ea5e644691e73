package dev.baton.server.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each member reports each presence version once, from an event or a snapshot. */
class PresenceReceiptsTest {

  private final Stats stats = new Stats();
  private final FanoutTracker tracker = new FanoutTracker(2, stats);
  private final PresenceReceipts first = new PresenceReceipts(tracker);
  private final PresenceReceipts second = new PresenceReceipts(tracker);

  PresenceReceiptsTest() {
    stats.phase(new Phase(0, 1, 0, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    first.joined(2);
    second.joined(2);
    tracker.baseline(2);
    tracker.start();
  }

  @Test
  void aSnapshotStandsForEveryVersionTheMemberMissed() {
    for (long v = 3; v <= 6; v++) {
      first.event(v, 100, 100_500);
    }
    second.event(3, 100, 100_600);
    second.snapshot(6, 101, 101_300); // a resync: 4, 5 and 6 arrived inside it

    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(4);
    assertThat(stats.fanoutViaSnapshot.sum()).isEqualTo(3);
    assertThat(stats.fanoutIncomplete.sum()).isZero();
  }

  @Test
  void aCopyTheMemberAlreadyHasIsNotCountedAgain() {
    first.event(3, 100, 100_500);
    first.event(3, 100, 100_700); // a duplicate copy must not stand in for the second member
    first.snapshot(3, 101, 101_000);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isZero();

    second.event(3, 100, 100_900);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(1);
    assertThat(stats.fanoutViaSnapshot.sum()).isZero();
  }

  @Test
  void versionsUpToTheJoinedReplyAreNotReported() {
    first.event(2, 100, 100_500);
    first.snapshot(2, 100, 100_500);
    second.event(3, 100, 100_500);
    first.event(3, 100, 100_500);
    assertThat(stats.takeMeasured(Stats.Series.FANOUT).getTotalCount()).isEqualTo(1);
  }
}
