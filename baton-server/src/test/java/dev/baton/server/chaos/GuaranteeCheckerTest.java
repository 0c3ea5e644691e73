package dev.baton.server.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.chaos.History.Died;
import dev.baton.server.chaos.History.Ended;
import dev.baton.server.chaos.History.Entry;
import dev.baton.server.chaos.History.Gone;
import dev.baton.server.chaos.History.Grant;
import dev.baton.server.chaos.History.Live;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GuaranteeChecker} on hand-made histories: a correct one passes, and each kind of violation
 * is caught (so that the chaos test's "no violations" means something).
 */
class GuaranteeCheckerTest {

  static final String R = "operation-report:r1:diagnosis";
  static final long MS = 1_000_000;

  private static List<String> check(Entry... entries) {
    History h = new History();
    for (Entry e : entries) {
      h.add(e);
    }
    return new GuaranteeChecker().check(h);
  }

  @Test
  void aCorrectHistoryHasNoViolations() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Live(R, 10, 2000, 5000, "renewal"),
        new Live(R, 10, 2100, 5000, "verify"),
        new Ended(R, 10, 2600, "release"),
        new Grant(R, 11, "s2", 2550, 5550), // granted before s1's release ack arrived: its ts is an upper bound
        new Grant("operation-report:r1:plan", 3, "s3", 2000, 5000),
        new Died("s2", R, 11, 100 * MS, 2500, "dropped"),
        new Gone(R, 11, 2000 * MS))).isEmpty();
  }

  @Test
  void aLockFirstSeenWithoutItsGrantIsJudgedFromItsFirstObservation() {
    // The grant's reply was lost (node killed); the session saw its lock first on resume. The old
    // checker took "no grant" as a lease ending at Long.MAX_VALUE, overflowed, and flagged this.
    assertThat(check(
        new Live(R, 10, 2000, 5000, "resume"),
        new Live(R, 10, 4000, 7000, "renewal"),
        new Ended(R, 10, 6000, "release"))).isEmpty();
    assertThat(check(
        new Live(R, 10, 2000, 5000, "resume"),
        new Live(R, 10, 5500, 8500, "renewal")))
        .singleElement().asString().contains("lease had ended at 5000");
  }

  @Test
  void aLockObservedCurrentAfterALargerTokenWasGrantedIsTwoHolders() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Grant(R, 11, "s2", 2000, 5000),
        new Live(R, 10, 2500, 5500, "renewal")))
        .singleElement().asString().contains("two holders at once").contains("token 10").contains("token 11");
  }

  @Test
  void aClientThatStillBelievesItHoldsAfterItsLeaseRanOutIsNoViolation() {
    // s1's lease ended at 4000 on the server's clock; the expiry event reached it only at 4100, after
    // s2's grant at 4001: the clients' views overlap, the server's intervals do not.
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Grant(R, 11, "s2", 4001, 7001),
        new Ended(R, 10, 4100, "lock.expired"))).isEmpty();
  }

  @Test
  void aLockCurrentBeyondItsLeaseIsCaught() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Live(R, 10, 4500, 4500, "verify")))
        .singleElement().asString().contains("lease had ended at 4000");
  }

  @Test
  void aLockCurrentAfterItEndedIsCaught() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Ended(R, 10, 1500, "release"),
        new Live(R, 10, 1800, 4800, "renewal")))
        .singleElement().asString().contains("after it had ended by 1500");
  }

  @Test
  void aTokenGrantedTwiceIsCaught() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Ended(R, 10, 1200, "release"),
        new Grant(R, 10, "s2", 1300, 4300)))
        .singleElement().asString().contains("granted twice");
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 4000),
        new Grant(R, 10, "s1", 1300, 4300))).as("the holder acquiring again renews").isEmpty();
  }

  @Test
  void aLaterGrantWithASmallerTokenIsCaught() {
    assertThat(check(
        new Grant(R, 20, "s1", 1000, 1500),
        new Grant(R, 19, "s2", 2000, 5000)))
        .anySatisfy(v -> assertThat(v).contains("tokens must increase"));
  }

  @Test
  void aDeadSessionsLockThatStaysTooLongOrForeverIsCaught() {
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 7000),
        new Died("s1", R, 10, 0, 2600, "dropped"),
        new Gone(R, 10, 2700 * MS)))
        .singleElement().asString().contains("gone only after 2700 ms (bound 2600 ms)");
    assertThat(check(
        new Grant(R, 10, "s1", 1000, 7000),
        new Died("s1", R, 10, 0, 2600, "node killed")))
        .singleElement().asString().contains("never seen gone");
  }
}
