package dev.baton.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The heap behind the memory store's sweep: order, ties, moves, removal, and the monotonic overflow. */
class DeadlineIndexTest {

  private final DeadlineIndex index = new DeadlineIndex();

  /** A named entry. */
  private static final class Timer extends DeadlineIndex.Entry {
    final String name;

    Timer(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private List<String> pollAllDue(long now) {
    List<String> out = new ArrayList<>();
    DeadlineIndex.Entry e;
    while ((e = index.pollDue(now)) != null) {
      out.add(e.toString());
      assertThat(e.armed()).isFalse();
    }
    return out;
  }

  @Test
  void duesLeaveInDeadlineOrderAndOnlyWhenDue() {
    Timer a = new Timer("a");
    Timer b = new Timer("b");
    Timer c = new Timer("c");
    index.arm(c, 30);
    index.arm(a, 10);
    index.arm(b, 20);

    assertThat(index.pollDue(9)).isNull();
    assertThat(pollAllDue(20)).containsExactly("a", "b");
    assertThat(index.size()).isEqualTo(1);
    assertThat(c.armed()).isTrue();
    assertThat(pollAllDue(30)).containsExactly("c");
    assertThat(index.size()).isZero();
  }

  @Test
  void entriesWithTheSameDeadlineLeaveInTheOrderTheyWereArmed() {
    List<String> armed = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Timer t = new Timer("t" + i);
      index.arm(t, 100);
      armed.add(t.name);
    }

    assertThat(pollAllDue(100)).containsExactlyElementsOf(armed);
  }

  @Test
  void reArmingForTheSameDeadlineKeepsThePlace() {
    Timer a = new Timer("a");
    Timer b = new Timer("b");
    index.arm(a, 100);
    index.arm(b, 100);
    index.arm(a, 100);

    assertThat(pollAllDue(100)).containsExactly("a", "b");
  }

  @Test
  void aRenewalMovesTheDeadlineLaterAndTheOldOneNoLongerFires() {
    Timer lock = new Timer("lock");
    Timer other = new Timer("other");
    index.arm(lock, 60);
    index.arm(other, 90);

    index.arm(lock, 120); // renewed before its deadline: it moves later

    assertThat(pollAllDue(60)).isEmpty();
    assertThat(pollAllDue(119)).containsExactly("other");
    assertThat(pollAllDue(120)).containsExactly("lock");
  }

  @Test
  void reArmingEarlierMovesTheEntryForwardBehindEqualDeadlines() {
    Timer a = new Timer("a");
    Timer b = new Timer("b");
    Timer c = new Timer("c");
    index.arm(a, 50);
    index.arm(b, 100);
    index.arm(c, 200);

    index.arm(c, 50);

    assertThat(pollAllDue(200)).containsExactly("a", "c", "b");
  }

  @Test
  void cancelledEntriesNeverFireAndCancellingTwiceIsHarmless() {
    Timer a = new Timer("a");
    Timer b = new Timer("b");
    Timer c = new Timer("c");
    index.arm(a, 10);
    index.arm(b, 20);
    index.arm(c, 30);

    index.cancel(b);
    index.cancel(b);
    index.cancel(new Timer("never armed"));

    assertThat(b.armed()).isFalse();
    assertThat(pollAllDue(100)).containsExactly("a", "c");
  }

  @Test
  void aCancelledEntryCanBeArmedAgain() {
    Timer a = new Timer("a");
    index.arm(a, 10);
    index.cancel(a);
    index.arm(a, 20);

    assertThat(pollAllDue(15)).isEmpty();
    assertThat(a.deadlineNanos()).isEqualTo(20);
    assertThat(pollAllDue(20)).containsExactly("a");
  }

  @Test
  void orderHoldsAcrossTheOverflowOfTheMonotonicReading() {
    Timer beforeWrap = new Timer("before");
    Timer afterWrap = new Timer("after");
    index.arm(afterWrap, Long.MIN_VALUE + 5); // 6 ns after MAX_VALUE
    index.arm(beforeWrap, Long.MAX_VALUE - 5);

    assertThat(index.peek()).isSameAs(beforeWrap);
    assertThat(pollAllDue(Long.MAX_VALUE)).containsExactly("before");
    assertThat(pollAllDue(Long.MIN_VALUE + 4)).isEmpty();
    assertThat(pollAllDue(Long.MIN_VALUE + 5)).containsExactly("after");
  }

  @Test
  void randomArmsMovesAndCancelsLeaveInTheOrderOfASortedReference() {
    Random random = new Random(42);
    List<Timer> timers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      timers.add(new Timer("t" + i));
    }
    long base = Long.MAX_VALUE - 1_000; // deadlines straddle the overflow
    long[] deadline = new long[timers.size()];
    long[] armedAt = new long[timers.size()];
    boolean[] armed = new boolean[timers.size()];
    long seq = 0;
    for (int step = 0; step < 5_000; step++) {
      int i = random.nextInt(timers.size());
      if (random.nextInt(4) == 0) {
        index.cancel(timers.get(i));
        armed[i] = false;
      } else {
        long d = base + random.nextInt(2_000);
        if (!armed[i] || deadline[i] != d) {
          armedAt[i] = seq++;
        }
        index.arm(timers.get(i), d);
        deadline[i] = d;
        armed[i] = true;
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < timers.size(); i++) {
      if (armed[i]) {
        expected.add(i);
      }
    }
    expected.sort(Comparator.<Integer>comparingLong(i -> deadline[i] - base).thenComparingLong(i -> armedAt[i]));

    assertThat(index.size()).isEqualTo(expected.size());
    assertThat(pollAllDue(base + 2_000)).containsExactlyElementsOf(expected.stream().map(i -> "t" + i).toList());
  }
}
