package dev.baton.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.Event;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockGranted;
import dev.baton.core.event.LockQueued;
import dev.baton.core.event.LockRequested;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.SessionEvent;
import dev.baton.core.event.TakeoverDeclined;
import dev.baton.core.event.TakeoverRequested;
import dev.baton.core.model.Holder;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Role;
import dev.baton.core.model.TakeoverState;
import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverMode;
import dev.baton.core.policy.TakeoverPolicy;
import dev.baton.core.resource.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Phase 2 part of the store contract: the wait queue ({@code conflict: queue}), {@code lock.request},
 * admin takeover (request and immediate), takeover and the document hierarchy, force release, and
 * per-type policies. Extends {@link StoreContract}, so a store's test that extends this class runs
 * the whole contract (the memory store's {@code MemoryStoreTest} does; a Redis store test must too).
 *
 * <p>Same rules as the base: time moves only through {@link #advance}, every expiry, grace end and
 * takeover deadline is tested at its exact boundary, and the base class's invariant checker runs after
 * every test. This class adds to that check: every lease pushed with {@code lock.granted} must have
 * been announced as that session's lock, and no lock ends twice (no {@code lock.revoked} or {@code
 * lock.expired} for a token whose end was already announced).
 */
public abstract class StoreContractPhase2 extends StoreContract {

  /** The default takeover timeout of the SPEC (and of {@link TakeoverPolicy#DEFAULT}): 30 s. */
  protected static final Duration DEADLINE = Duration.ofSeconds(30);
  /** A TTL long enough that a lock outlives a takeover deadline without being renewed. */
  protected static final Duration LONG_TTL = Duration.ofMinutes(2);
  protected static final String REASON = "patient deteriorating, sign-off needed now";
  protected static final Holder ROOT = new Holder("root", "Dr. root", null);

  // ---------------------------------------------------------------------------------------------
  // Extra invariants over everything announced

  @AfterEach
  void pushedGrantsWereAnnouncedAndNoLockEndsTwice() {
    Set<String> ended = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (Event event : recorder().all()) {
      if (event instanceof LockGranted g) {
        recorder().observe(g.sessionId(), g.lease()); // checked by the base class's invariant check
      }
      String key = null;
      if (event instanceof LockRevoked r) {
        key = r.resource() + "#" + r.token();
      } else if (event instanceof LockExpired e) {
        key = e.resource() + "#" + e.token();
      }
      if (key != null && !ended.add(key)) {
        twice.add(event.toString());
      }
    }
    assertThat(twice).as("end events for a lock whose end was already announced").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Wait queue

  @Test
  void waitersQueueInArrivalOrderAndTheQueueLengthIsAnnounced() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    assertThat(queued(bob, DIAGNOSIS)).isEqualTo(1);
    assertThat(queued(carol, DIAGNOSIS)).isEqualTo(2);
    assertThat(queued(dave, DIAGNOSIS)).isEqualTo(3);

    List<LockStateChanged> changes = recorder().ofType(LockStateChanged.class, DIAGNOSIS, mark);
    assertThat(changes).extracting(c -> c.lock().queueLength()).containsExactly(1, 2, 3);
    assertThat(changes).allSatisfy(c -> {
      assertThat(c.lock().holder().sessionId()).isEqualTo(alice.sessionId());
      assertThat(c.lock().token()).isEqualTo(lease.token());
    });
    LockState lock = state(DIAGNOSIS, null).lock();
    assertThat(lock.queueLength()).isEqualTo(3);
    assertThat(lock.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, bob).role()).isEqualTo(Role.VIEWER);
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
  }

  @Test
  void waitWithDenyPolicyIsRefusedWithLockHeld() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    BatonException e = refused(ErrorCode.LOCK_HELD, store().acquire(bob.sessionId(), DIAGNOSIS, false, true));

    assertThat(holderDetail(e).get("userId")).isEqualTo("alice");
    assertThat(number(e, "queueLength")).isZero();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
    assertThat(recorder().ofType(LockStateChanged.class, mark)).isEmpty();
    await(store().release(alice.sessionId(), DIAGNOSIS));
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
  }

  @Test
  void askingAgainWhileQueuedKeepsThePlace() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);

    assertThat(queued(carol, DIAGNOSIS)).isEqualTo(2);
    assertThat(queued(bob, DIAGNOSIS)).isEqualTo(1);
    assertThat(queued(carol, DIAGNOSIS)).isEqualTo(2);

    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(2);
  }

  @Test
  void lockHeldRefusalCountsTheWaiters() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);

    BatonException e = refused(ErrorCode.LOCK_HELD, store().acquire(dave.sessionId(), DIAGNOSIS, false, false));

    assertThat(number(e, "queueLength")).isEqualTo(2);
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(2);
  }

  @Test
  void releaseHandsTheLockToTheHeadOfTheQueue() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    queued(dave, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().release(alice.sessionId(), DIAGNOSIS));

    Lease handed = pushedGrant(bob, mark);
    assertThat(handed.resource()).isEqualTo(DIAGNOSIS);
    assertThat(handed.token()).isGreaterThan(old.token());
    assertRemaining(handed.remainingMs(), TTL);
    assertThat(positions(bob, DIAGNOSIS, mark)).isEmpty();
    assertThat(positions(carol, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(positions(dave, DIAGNOSIS, mark)).containsExactly(2);
    assertThat(grants(carol, mark)).isEmpty();
    assertThat(grants(dave, mark)).isEmpty();
    assertThat(state(DIAGNOSIS, bob).role()).isEqualTo(Role.EDITOR);
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
    LockState lock = state(DIAGNOSIS, bob).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(lock.token()).isEqualTo(handed.token());
    assertThat(lock.queueLength()).isEqualTo(2);
    LockStateChanged announced = lastLockState(DIAGNOSIS, mark);
    assertThat(announced.lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(announced.lock().queueLength()).isEqualTo(2);
    assertThat(verify(DIAGNOSIS, handed.token()).valid()).isTrue();
    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
  }

  @Test
  void queueHandOffHappensAtExactlyTheTtlOnSweep() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);

    advance(TTL.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());

    advance(tick());
    int mark = recorder().mark();
    sweep();

    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, old.token()));
    Lease handed = pushedGrant(bob, mark);
    assertThat(handed.token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(state(DIAGNOSIS, bob).role()).isEqualTo(Role.EDITOR);
  }

  @Test
  void queueHandOffOnExpiryHappensWithoutSweepWhenAnythingTouchesTheLock() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    advance(TTL);
    int mark = recorder().mark();

    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");

    Lease handed = pushedGrant(bob, mark);
    assertThat(verify(DIAGNOSIS, handed.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    sweep();
    assertThat(grants(bob, 0)).hasSize(1);
  }

  @Test
  void queueHandOffWhenTheHolderLeaves() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().leave(alice.sessionId(), DIAGNOSIS));

    assertThat(pushedGrant(bob, mark).token()).isGreaterThan(old.token());
    assertThat(positions(carol, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
  }

  @Test
  void queueHandOffWhenTheHolderSaysBye() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().endSession(alice.sessionId()));

    assertThat(pushedGrant(bob, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(state(DIAGNOSIS, bob).role()).isEqualTo(Role.EDITOR);
  }

  @Test
  void queueHandOffAtExactlyTheEndOfTheHoldersGrace() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    disconnect(alice);

    advance(GRACE.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(verify(DIAGNOSIS, old.token()).valid()).isTrue();

    advance(tick());
    int mark = recorder().mark();
    sweep();

    assertThat(pushedGrant(bob, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
  }

  @Test
  void queueIsFirstInFirstOutOverThreeHandOffs() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    List<Long> tokens = new ArrayList<>();
    tokens.add(acquire(alice, DIAGNOSIS).token());
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    queued(dave, DIAGNOSIS);

    int mark = recorder().mark();
    await(store().release(alice.sessionId(), DIAGNOSIS));
    tokens.add(pushedGrant(bob, mark).token());
    assertThat(queued(alice, DIAGNOSIS)).as("alice queues again, behind carol and dave").isEqualTo(3);

    mark = recorder().mark();
    await(store().release(bob.sessionId(), DIAGNOSIS));
    tokens.add(pushedGrant(carol, mark).token());
    assertThat(positions(dave, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(positions(alice, DIAGNOSIS, mark)).containsExactly(2);

    mark = recorder().mark();
    await(store().release(carol.sessionId(), DIAGNOSIS));
    tokens.add(pushedGrant(dave, mark).token());
    assertThat(positions(alice, DIAGNOSIS, mark)).containsExactly(1);

    mark = recorder().mark();
    await(store().release(dave.sessionId(), DIAGNOSIS));
    tokens.add(pushedGrant(alice, mark).token());

    assertThat(tokens).isSorted().doesNotHaveDuplicates();
    assertThat(recorder().ofType(LockGranted.class))
        .extracting(LockGranted::sessionId)
        .containsExactly(bob.sessionId(), carol.sessionId(), dave.sessionId(), alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
  }

  @Test
  void waiterThatLeftIsSkippedAndNeverGranted() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().leave(bob.sessionId(), DIAGNOSIS));

    assertThat(positions(carol, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(1);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    pushedGrant(carol, mark);
    assertThat(grants(bob, 0)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
  }

  @Test
  void waiterWhoseSessionEndedIsSkippedAndNeverGranted() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().endSession(bob.sessionId()));

    assertThat(positions(carol, DIAGNOSIS, mark)).containsExactly(1);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    pushedGrant(carol, mark);
    assertThat(grants(bob, 0)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(carol.sessionId());
  }

  @Test
  void waiterWhoseGraceEndedIsSkippedAndNeverGranted() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    disconnect(bob);
    advance(GRACE);
    int mark = recorder().mark();

    await(store().release(alice.sessionId(), DIAGNOSIS));

    pushedGrant(carol, mark);
    assertThat(grants(bob, 0)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
    assertThat(state(DIAGNOSIS, null).presence().members())
        .extracting(m -> m.sessionId())
        .doesNotContain(bob.sessionId());
  }

  @Test
  void disconnectedWaiterKeepsItsPlaceButIsPassedOverUntilItResumes() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    disconnect(bob);
    int mark = recorder().mark();

    await(store().release(alice.sessionId(), DIAGNOSIS));

    pushedGrant(carol, mark);
    assertThat(grants(bob, mark)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).as("bob keeps his place").isEqualTo(1);
    assertThat(queued(dave, DIAGNOSIS)).as("dave queues behind bob").isEqualTo(2);

    SessionGrant resumed = resume(bob.principal(), bob.resumeToken());
    assertThat(resumed.resumed()).isTrue();
    assertThat(grants(bob, mark)).as("carol still holds the lock").isEmpty();
    mark = recorder().mark();
    await(store().release(carol.sessionId(), DIAGNOSIS));

    pushedGrant(bob, mark);
    assertThat(grants(dave, mark)).isEmpty();
    assertThat(positions(dave, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
  }

  @Test
  void awayHeadThatResumesWhileTheLockIsFreeGetsItAtOnce() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    disconnect(bob);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(1);
    advance(GRACE.minus(tick()));
    int mark = recorder().mark();

    resume(bob.principal(), bob.resumeToken());

    assertThat(pushedGrant(bob, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
  }

  @Test
  void cancelLeavesTheQueueAndReannouncesThePositionsBehind() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Tab dave = viewer("dave", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    queued(dave, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().cancel(carol.sessionId(), DIAGNOSIS));

    assertThat(positions(dave, DIAGNOSIS, mark)).containsExactly(2);
    assertThat(positions(bob, DIAGNOSIS, mark)).isEmpty();
    assertThat(positions(carol, DIAGNOSIS, mark)).isEmpty();
    assertThat(lastLockState(DIAGNOSIS, mark).lock().queueLength()).isEqualTo(2);
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(2);
    assertThat(state(DIAGNOSIS, null).presence().members())
        .extracting(m -> m.sessionId())
        .as("cancel leaves the queue, not the resource")
        .contains(carol.sessionId());

    await(store().release(alice.sessionId(), DIAGNOSIS));
    pushedGrant(bob, mark);
    await(store().release(bob.sessionId(), DIAGNOSIS));
    pushedGrant(dave, mark);
    assertThat(grants(carol, 0)).isEmpty();
  }

  @Test
  void cancelWithNothingToCancelIsBadRequest() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    queued(carol, DIAGNOSIS);

    refused(ErrorCode.BAD_REQUEST, store().cancel(bob.sessionId(), DIAGNOSIS));
    refused(ErrorCode.BAD_REQUEST, store().cancel(alice.sessionId(), DIAGNOSIS));
    await(store().cancel(carol.sessionId(), DIAGNOSIS));
    refused(ErrorCode.BAD_REQUEST, store().cancel(carol.sessionId(), DIAGNOSIS));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
  }

  /**
   * The head is granted the moment the lock frees, whether or not a sweep has run since: a cancel
   * arriving at (or after) that instant finds the caller holding the lock, not queued. Otherwise the
   * outcome would depend on when the sweeper last ran.
   */
  @Test
  void cancelAtTheInstantTheLockExpiresIsTooLate() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    advance(TTL);
    int mark = recorder().mark();

    refused(ErrorCode.BAD_REQUEST, store().cancel(bob.sessionId(), DIAGNOSIS));

    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, old.token()));
    Lease handed = pushedGrant(bob, mark);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertThat(verify(DIAGNOSIS, handed.token()).valid()).isTrue();
  }

  @Test
  void holderRenewingForManyTtlsKeepsEveryWaitersPlace() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);

    for (int i = 0; i < 10; i++) {
      advance(TTL.minus(tick()));
      sweep();
      assertThat(renew(alice, DIAGNOSIS, lease.token()).token()).isEqualTo(lease.token());
    }

    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(2);
    assertThat(queued(bob, DIAGNOSIS)).isEqualTo(1);
    assertThat(queued(carol, DIAGNOSIS)).isEqualTo(2);
    int mark = recorder().mark();
    await(store().release(alice.sessionId(), DIAGNOSIS));
    pushedGrant(bob, mark);
  }

  @Test
  void queueHeadWhoseGraceEndsWhenTheLockExpiresIsNeverGrantedOnSweep() {
    Tab[] tabs = headGraceEndsAtTheTtl();
    Tab bob = tabs[1];
    Tab carol = tabs[2];
    int mark = recorder().mark();

    sweep();

    assertHeadSkipped(bob, carol, mark);
  }

  @Test
  void queueHeadWhoseGraceEndsWhenTheLockExpiresIsNeverGrantedLazily() {
    Tab[] tabs = headGraceEndsAtTheTtl();
    Tab bob = tabs[1];
    Tab carol = tabs[2];
    int mark = recorder().mark();

    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(carol.sessionId());

    assertHeadSkipped(bob, carol, mark);
  }

  @Test
  void queueHeadWhoseGraceEndsWithTheHoldersGraceIsNeverGranted() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    disconnect(alice);
    disconnect(bob);
    advance(GRACE.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    advance(tick());
    int mark = recorder().mark();

    sweep();

    assertHeadSkipped(bob, carol, mark);
  }

  /**
   * Alice holds the lock (TTL from t0), bob and carol queue, bob's connection drops at t0 + TTL -
   * GRACE: at t0 + TTL alice's lock expires and bob's grace ends in the same instant. Returns alice,
   * bob, carol with the clock one tick before that instant checked and then at it.
   */
  private Tab[] headGraceEndsAtTheTtl() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    advance(TTL.minus(GRACE));
    disconnect(bob);
    advance(GRACE.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isEqualTo(2);
    advance(tick());
    return new Tab[] {alice, bob, carol};
  }

  private void assertHeadSkipped(Tab bob, Tab carol, int mark) {
    pushedGrant(carol, mark);
    assertThat(grants(bob, 0)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(carol.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
    assertThat(recorder().ofType(PresenceLeft.class, DIAGNOSIS, mark))
        .filteredOn(l -> l.member().sessionId().equals(bob.sessionId()))
        .extracting(PresenceLeft::reason)
        .containsExactly(LeaveReason.DISCONNECTED);
  }

  @Test
  void waiterForAChildBlockedByTheDocumentLockGetsTheChildWhenTheDocumentLockIsReleased() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", REPORT_LOCK);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, REPORT_LOCK);

    AcquireResult result = await(store().acquire(bob.sessionId(), DIAGNOSIS, false, true));
    assertThat(result).isEqualTo(new AcquireResult.Queued(DIAGNOSIS, 1));
    int mark = recorder().mark();

    await(store().release(alice.sessionId(), REPORT_LOCK));

    pushedGrant(bob, mark);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
  }

  @Test
  void waiterForTheDocumentLockGetsItWhenTheLastChildIsReleased() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, FINDINGS, JoinMode.VIEW);
    Tab bob = viewer("bob", REPORT_LOCK);
    acquire(alice, DIAGNOSIS);
    acquire(alice, FINDINGS);

    assertThat(queued(bob, REPORT_LOCK)).isEqualTo(1);
    await(store().release(alice.sessionId(), DIAGNOSIS));
    assertThat(grants(bob, 0)).as("FINDINGS still blocks the document lock").isEmpty();
    int mark = recorder().mark();
    await(store().release(alice.sessionId(), FINDINGS));

    pushedGrant(bob, mark);
    assertThat(state(REPORT_LOCK, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    refused(ErrorCode.LOCK_HELD, store().acquire(alice.sessionId(), DIAGNOSIS, false, false));
  }

  @Test
  void concurrentWaitingCancellingAndReleasingNeverGrantTwoHolders() throws Exception {
    use(policies(queuePolicy()));
    List<Tab> tabs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      tabs.add(viewer("racer" + i, DIAGNOSIS));
    }

    List<Integer> granted =
        race(tabs, tab -> {
          int mine = 0;
          for (int r = 0; r < 300; r++) {
            AcquireResult result = await(store().acquire(tab.sessionId(), DIAGNOSIS, false, true));
            if (result instanceof AcquireResult.Granted g) {
              recorder().observe(tab.sessionId(), g.lease());
              mine++;
              await(store().release(tab.sessionId(), DIAGNOSIS));
              continue;
            }
            assertThat(result).isInstanceOf(AcquireResult.Queued.class);
            try {
              await(store().cancel(tab.sessionId(), DIAGNOSIS));
            } catch (BatonException e) {
              assertThat(e.code()).as("cancel refused: %s", e.getMessage()).isEqualTo(ErrorCode.BAD_REQUEST);
              mine++; // handed the lock before the cancel arrived
              await(store().release(tab.sessionId(), DIAGNOSIS));
            }
          }
          return mine;
        });

    int total = granted.stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isPositive();
    LockState lock = state(DIAGNOSIS, null).lock();
    assertThat(lock.held()).isFalse();
    assertThat(lock.queueLength()).isZero();
    long announcedGrants = recorder().ofType(LockStateChanged.class, DIAGNOSIS, 0).stream()
        .filter(e -> e.lock().held())
        .map(e -> e.lock().token())
        .distinct()
        .count();
    assertThat(announcedGrants).as("distinct granted tokens").isEqualTo(total);
  }

  // ---------------------------------------------------------------------------------------------
  // lock.request

  @Test
  void requestTellsTheHolderWhoAsksAndWhy() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().request(bob.sessionId(), DIAGNOSIS, "may I fix the diagnosis?"));

    LockRequested requested = single(recorder().ofType(LockRequested.class, mark));
    assertThat(requested.sessionId()).isEqualTo(alice.sessionId());
    assertThat(requested.resource()).isEqualTo(DIAGNOSIS);
    assertThat(requested.message()).isEqualTo("may I fix the diagnosis?");
    assertThat(requested.by()).isEqualTo(member(state(DIAGNOSIS, null), bob));
    assertThat(requested.by().userId()).isEqualTo("bob");
    assertThat(requested.by().name()).isEqualTo(nameOf("bob"));
    assertThat(requested.by().role()).isEqualTo(Role.VIEWER);
    assertThat(recorder().forSession(bob.sessionId(), mark)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
  }

  @Test
  void requestWithoutMessageIsDelivered() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);

    await(store().request(bob.sessionId(), DIAGNOSIS, null));

    LockRequested requested = single(recorder().ofType(LockRequested.class));
    assertThat(requested.sessionId()).isEqualTo(alice.sessionId());
    assertThat(requested.message()).isNull();
  }

  @Test
  void secondRequestWithin30sIsRateLimitedForTheWholeUser() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab bobTab2 = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    await(store().request(bob.sessionId(), DIAGNOSIS, "please"));
    advance(Duration.ofSeconds(10));

    BatonException e = refused(ErrorCode.RATE_LIMITED, store().request(bob.sessionId(), DIAGNOSIS, "please!"));
    assertMillis(number(e, "retryAfterMs"), Duration.ofSeconds(20));
    BatonException other = refused(ErrorCode.RATE_LIMITED, store().request(bobTab2.sessionId(), DIAGNOSIS, "hi"));
    assertMillis(number(other, "retryAfterMs"), Duration.ofSeconds(20));

    await(store().request(carol.sessionId(), DIAGNOSIS, "carol asks too"));
    assertThat(recorder().ofType(LockRequested.class))
        .extracting(r -> r.by().userId())
        .containsExactly("bob", "carol");
  }

  @Test
  void requestIsAllowedAgainAfterExactly30s() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    await(store().request(bob.sessionId(), DIAGNOSIS, "first"));
    advance(Store.REQUEST_INTERVAL.minus(tick()));

    BatonException e = refused(ErrorCode.RATE_LIMITED, store().request(bob.sessionId(), DIAGNOSIS, "too early"));
    assertThat(number(e, "retryAfterMs")).isBetween(0L, 1L + timingSlack().toMillis());

    advance(tick());
    await(store().request(bob.sessionId(), DIAGNOSIS, "second"));

    assertThat(recorder().ofType(LockRequested.class))
        .extracting(LockRequested::message)
        .containsExactly("first", "second");
  }

  @Test
  void requestWithoutJoinIsNotJoined() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = open("bob");
    acquire(alice, DIAGNOSIS);

    refused(ErrorCode.NOT_JOINED, store().request(bob.sessionId(), DIAGNOSIS, "let me in"));

    assertThat(recorder().ofType(LockRequested.class)).isEmpty();
  }

  @Test
  void requestOfAFreeLockIsBadRequest() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);

    refused(ErrorCode.BAD_REQUEST, store().request(bob.sessionId(), DIAGNOSIS, "anyone?"));

    acquire(alice, DIAGNOSIS);
    advance(TTL);
    refused(ErrorCode.BAD_REQUEST, store().request(bob.sessionId(), DIAGNOSIS, "expired lock"));
    assertThat(recorder().ofType(LockRequested.class)).isEmpty();
  }

  @Test
  void requestOfYourOwnLockIsBadRequest() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);

    refused(ErrorCode.BAD_REQUEST, store().request(alice.sessionId(), DIAGNOSIS, "me?"));

    assertThat(recorder().ofType(LockRequested.class)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Takeover: request mode

  @Test
  void takeoverRequestIsPendingUntilTheDeadlineAndTellsTheHolder() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    AcquireResult.TakeoverPending pending = pending(takeover(admin, DIAGNOSIS, REASON, false));

    assertThat(pending.resource()).isEqualTo(DIAGNOSIS);
    assertRemaining(pending.remainingMs(), DEADLINE);
    assertMillis(pending.deadline() - pending.remainingMs(), Duration.ofMillis(lease.expiresAt() - lease.remainingMs()));
    TakeoverRequested requested = single(recorder().ofType(TakeoverRequested.class, mark));
    assertThat(requested.sessionId()).isEqualTo(alice.sessionId());
    assertThat(requested.resource()).isEqualTo(DIAGNOSIS);
    assertThat(requested.reason()).isEqualTo(REASON);
    assertThat(requested.takeover().by()).isEqualTo(holderOf(admin));
    assertThat(requested.takeover().deadline()).isEqualTo(pending.deadline());
    assertRemaining(requested.takeover().remainingMs(), DEADLINE);
    LockStateChanged announced = lastLockState(DIAGNOSIS, mark);
    assertThat(announced.lock().takeover()).isNotNull();
    assertThat(announced.lock().takeover().by()).isEqualTo(holderOf(admin));
    assertThat(announced.lock().holder().sessionId()).isEqualTo(alice.sessionId());

    advance(Duration.ofSeconds(10));
    LockState lock = state(DIAGNOSIS, admin).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(lock.takeover().by()).isEqualTo(holderOf(admin));
    assertThat(lock.takeover().deadline()).isEqualTo(pending.deadline());
    assertRemaining(lock.takeover().remainingMs(), Duration.ofSeconds(20));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.VIEWER);
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
  }

  @Test
  void takeoverPassesAtExactlyTheDeadlineWhenAnythingTouchesTheLock() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    advance(DEADLINE.minus(tick()));
    assertThat(verify(DIAGNOSIS, old.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();

    advance(tick());
    int mark = recorder().mark();

    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");

    assertTakenOver(alice, admin, old, mark);
  }

  @Test
  void sweepAnnouncesTheTakeoverAtExactlyTheDeadline() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE.minus(tick()));
    int before = recorder().mark();
    sweep();
    assertThat(recorder().ofType(LockRevoked.class, before)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class, before)).isEmpty();

    advance(tick());
    int mark = recorder().mark();
    sweep();

    List<Event> events = recorder().since(mark);
    int revokedAt = indexOf(events, LockRevoked.class);
    int grantedAt = indexOf(events, LockGranted.class);
    assertThat(revokedAt).as("lock.revoked announced").isNotNegative();
    assertThat(grantedAt).as("lock.granted announced after the revocation").isGreaterThan(revokedAt);
    LockStateChanged announced = lastLockState(DIAGNOSIS, mark);
    assertThat(announced.lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(announced.lock().takeover()).isNull();
    assertTakenOver(alice, admin, old, mark);
  }

  @Test
  void holderAcceptingHandsOverAtOnce() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(Duration.ofSeconds(3));
    int mark = recorder().mark();

    await(store().respondTakeover(alice.sessionId(), DIAGNOSIS, true));

    assertTakenOver(alice, admin, old, mark);
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    advance(DEADLINE);
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).hasSize(1);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
  }

  @Test
  void holderDecliningIsForbiddenByDefault() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    refused(ErrorCode.FORBIDDEN, store().respondTakeover(alice.sessionId(), DIAGNOSIS, false));

    assertThat(recorder().ofType(TakeoverDeclined.class)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().takeover().by()).isEqualTo(holderOf(admin));
    advance(DEADLINE);
    int mark = recorder().mark();
    sweep();
    assertTakenOver(alice, admin, old, mark);
  }

  @Test
  void holderMayDeclineWhenThePolicyAllowsIt() {
    use(policies(policyOf(LONG_TTL, Conflict.DENY, takeoverPolicy(DEADLINE, true))));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    int mark = recorder().mark();

    await(store().respondTakeover(alice.sessionId(), DIAGNOSIS, false));

    TakeoverDeclined declined = single(recorder().ofType(TakeoverDeclined.class, mark));
    assertThat(declined.sessionId()).isEqualTo(admin.sessionId());
    assertThat(declined.resource()).isEqualTo(DIAGNOSIS);
    assertThat(declined.by()).isEqualTo(holderOf(alice));
    assertThat(lastLockState(DIAGNOSIS, mark).lock().takeover()).isNull();
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    advance(DEADLINE);
    sweep();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.EDITOR);
  }

  @Test
  void respondByANonHolderIsNotHolder() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    refused(ErrorCode.NOT_HOLDER, store().respondTakeover(bob.sessionId(), DIAGNOSIS, true));
    refused(ErrorCode.NOT_HOLDER, store().respondTakeover(admin.sessionId(), DIAGNOSIS, true));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().takeover().by()).isEqualTo(holderOf(admin));
  }

  @Test
  void respondWithNothingPendingIsBadRequest() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    refused(ErrorCode.BAD_REQUEST, store().respondTakeover(alice.sessionId(), DIAGNOSIS, true));
    refused(ErrorCode.BAD_REQUEST, store().respondTakeover(alice.sessionId(), DIAGNOSIS, false));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  @Test
  void holderReleasingWhileATakeoverIsPendingHandsTheLockToTheRequesterBeforeTheQueue() {
    use(policies(policyOf(LONG_TTL, Conflict.QUEUE, TakeoverPolicy.DEFAULT)));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    int mark = recorder().mark();

    await(store().release(alice.sessionId(), DIAGNOSIS));

    Lease handed = pushedGrant(admin, mark);
    assertThat(handed.token()).isGreaterThan(old.token());
    assertThat(grants(bob, mark)).isEmpty();
    assertThat(recorder().ofType(LockRevoked.class)).as("alice let go herself").isEmpty();
    LockState lock = state(DIAGNOSIS, null).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(lock.takeover()).isNull();
    assertThat(lock.queueLength()).isEqualTo(1);
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.EDITOR);

    mark = recorder().mark();
    await(store().release(admin.sessionId(), DIAGNOSIS));
    pushedGrant(bob, mark);
  }

  @Test
  void holderSayingByeWhileATakeoverIsPendingTransfersAtOnce() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(Duration.ofSeconds(1));
    int mark = recorder().mark();

    await(store().endSession(alice.sessionId()));

    assertThat(pushedGrant(admin, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.EDITOR);
    assertThat(verify(DIAGNOSIS, old.token()).valid()).isFalse();
  }

  @Test
  void holderGraceEndingWhileATakeoverIsPendingTransfersAtOnce() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    disconnect(alice);

    advance(GRACE.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(verify(DIAGNOSIS, old.token()).valid()).isTrue();

    advance(tick());
    int mark = recorder().mark();
    sweep();

    assertThat(pushedGrant(admin, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(verify(DIAGNOSIS, old.token()).valid()).isFalse();
  }

  @Test
  void holderLockExpiringBeforeTheDeadlineGoesToTheRequester() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    advance(TTL.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();

    advance(tick());
    int mark = recorder().mark();
    sweep();

    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, old.token()));
    assertThat(recorder().ofType(LockRevoked.class)).as("no revoke for a lock that expired").isEmpty();
    assertThat(pushedGrant(admin, mark).token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
  }

  @Test
  void expiryLongBeforeTheDeadlineNoticedOnlyAfterItStillEndsTheLockByExpiry() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE.plusSeconds(5));
    int mark = recorder().mark();

    LockState lock = state(DIAGNOSIS, null).lock();

    assertThat(lock.holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, old.token()));
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    pushedGrant(admin, mark);
  }

  @Test
  void secondTakeoverWhileOneIsPendingIsTakeoverPending() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Tab admin2 = viewer("admin2", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    AcquireResult.TakeoverPending first = pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(Duration.ofSeconds(5));
    int mark = recorder().mark();

    refused(ErrorCode.TAKEOVER_PENDING, store().takeover(admin2.sessionId(), DIAGNOSIS, "me too", false));

    assertThat(recorder().ofType(TakeoverRequested.class, mark)).isEmpty();
    TakeoverState takeover = state(DIAGNOSIS, null).lock().takeover();
    assertThat(takeover.by()).isEqualTo(holderOf(admin));
    assertThat(takeover.deadline()).isEqualTo(first.deadline());
    advance(DEADLINE.minusSeconds(5));
    sweep();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(grants(admin2, 0)).isEmpty();
  }

  @Test
  void requesterCancelWithdrawsTheTakeover() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(Duration.ofSeconds(10));
    int mark = recorder().mark();

    await(store().cancel(admin.sessionId(), DIAGNOSIS));

    LockStateChanged announced = lastLockState(DIAGNOSIS, mark);
    assertThat(announced.lock().takeover()).isNull();
    assertThat(announced.lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    refused(ErrorCode.BAD_REQUEST, store().cancel(admin.sessionId(), DIAGNOSIS));
    advance(DEADLINE);
    sweep();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    assertThat(pending(takeover(admin, DIAGNOSIS, "again", false)).remainingMs())
        .as("a new takeover may be requested")
        .isPositive();
  }

  /**
   * At the deadline the lock has passed, whether or not a sweep has run since: the requester's cancel
   * at (or after) that instant finds nothing to withdraw.
   */
  @Test
  void cancelAtExactlyTheDeadlineIsTooLate() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE);
    int mark = recorder().mark();

    refused(ErrorCode.BAD_REQUEST, store().cancel(admin.sessionId(), DIAGNOSIS));

    assertTakenOver(alice, admin, old, mark);
  }

  @Test
  void requesterLeavingWithdrawsTheTakeover() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    await(store().leave(admin.sessionId(), DIAGNOSIS));

    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    advance(DEADLINE);
    sweep();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
  }

  @Test
  void requesterSayingByeWithdrawsTheTakeover() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    await(store().endSession(admin.sessionId()));

    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    advance(DEADLINE);
    sweep();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Takeover: immediate, free lock, own lock, refusals

  @Test
  void immediateTakeoverGrantsAtOnceAndRevokesTheHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    Lease lease = granted(takeover(admin, DIAGNOSIS, REASON, true));

    assertThat(lease.resource()).isEqualTo(DIAGNOSIS);
    assertThat(lease.token()).isGreaterThan(old.token());
    assertRemaining(lease.remainingMs(), TTL);
    LockRevoked revoked = single(recorder().ofType(LockRevoked.class, mark));
    assertThat(revoked).isEqualTo(new LockRevoked(alice.sessionId(), DIAGNOSIS, old.token(), holderOf(admin), REASON));
    assertThat(recorder().ofType(TakeoverRequested.class)).isEmpty();
    LockState lock = state(DIAGNOSIS, admin).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(lock.token()).isEqualTo(lease.token());
    assertThat(lock.takeover()).isNull();
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.EDITOR);
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
    refused(ErrorCode.LOCK_LOST, store().renew(alice.sessionId(), DIAGNOSIS, old.token()));
  }

  @Test
  void takeoverOfAFreeLockIsGranted() {
    Tab admin = viewer("admin", DIAGNOSIS);
    Tab admin2 = viewer("admin2", FINDINGS);

    Lease requested = granted(takeover(admin, DIAGNOSIS, REASON, false));
    Lease immediate = granted(takeover(admin2, FINDINGS, REASON, true));

    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().token()).isEqualTo(requested.token());
    assertThat(state(FINDINGS, null).lock().token()).isEqualTo(immediate.token());
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.EDITOR);
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(TakeoverRequested.class)).isEmpty();
  }

  @Test
  void takeoverByTheHolderItselfReturnsItsLease() {
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease lease = acquire(admin, DIAGNOSIS);
    int mark = recorder().mark();

    Lease requested = granted(takeover(admin, DIAGNOSIS, REASON, false));
    Lease immediate = granted(takeover(admin, DIAGNOSIS, REASON, true));

    assertThat(requested.token()).isEqualTo(lease.token());
    assertThat(immediate.token()).isEqualTo(lease.token());
    assertThat(recorder().ofType(LockRevoked.class, mark)).isEmpty();
    assertThat(recorder().ofType(TakeoverRequested.class, mark)).isEmpty();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  @Test
  void takeoverWithoutJoinIsNotJoined() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = open("admin");
    Lease lease = acquire(alice, DIAGNOSIS);

    refused(ErrorCode.NOT_JOINED, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, false));
    refused(ErrorCode.NOT_JOINED, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, true));
    refused(ErrorCode.NOT_JOINED, store().takeover(admin.sessionId(), FINDINGS, REASON, false));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder().ofType(TakeoverRequested.class)).isEmpty();
    assertThat(state(FINDINGS, null).lock().held()).isFalse();
  }

  @Test
  void takeoverIgnoresThePerUserLockLimit() {
    ResourceId notes = ResourceId.parse("report:r1:notes");
    Tab admin = viewer("admin", DIAGNOSIS);
    join(admin, FINDINGS, JoinMode.VIEW);
    join(admin, SUMMARY, JoinMode.VIEW);
    join(admin, notes, JoinMode.VIEW);
    Tab alice = viewer("alice", notes);
    acquire(admin, DIAGNOSIS);
    acquire(admin, FINDINGS);
    acquire(admin, SUMMARY);
    Lease old = acquire(alice, notes);

    Lease taken = granted(takeover(admin, notes, REASON, true));

    assertThat(taken.token()).isGreaterThan(old.token());
    assertThat(locksOf("admin")).hasSize(MAX_LOCKS + 1);
  }

  @Test
  void takeoverRacingAReleaseJustBeforeTheDeadlineGrantsOnce() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE.minus(tick()));

    await(store().release(alice.sessionId(), DIAGNOSIS));
    Lease handed = pushedGrant(admin, 0);
    advance(tick());
    sweep();
    advance(DEADLINE);
    sweep();

    assertThat(grants(admin, 0)).hasSize(1);
    assertThat(recorder().ofType(LockRevoked.class)).as("no revoke for a lock already released").isEmpty();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertThat(handed.token()).isGreaterThan(old.token());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
  }

  @Test
  void releaseAtExactlyTheDeadlineIsTooLate() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE);
    int mark = recorder().mark();

    refused(ErrorCode.NOT_HOLDER, store().release(alice.sessionId(), DIAGNOSIS));

    assertTakenOver(alice, admin, old, mark);
    sweep();
    assertThat(grants(admin, 0)).hasSize(1);
  }

  @Test
  void takeoverRacingTheHoldersExpiryAtTheSameInstantOnSweep() {
    Tab[] tabs = expiryAtTheDeadline();
    Tab alice = tabs[0];
    Tab admin = tabs[1];
    int mark = recorder().mark();

    sweep();

    assertExpiredThenGranted(alice, admin, mark);
  }

  @Test
  void takeoverRacingTheHoldersExpiryAtTheSameInstantLazily() {
    Tab[] tabs = expiryAtTheDeadline();
    Tab alice = tabs[0];
    Tab admin = tabs[1];
    int mark = recorder().mark();

    refused(ErrorCode.LOCK_LOST, store().renew(alice.sessionId(), DIAGNOSIS, lastAcquired(alice).token()));

    assertExpiredThenGranted(alice, admin, mark);
  }

  /** Lock TTL = takeover timeout = 30 s, granted and requested in the same instant; clock at that end. */
  private Tab[] expiryAtTheDeadline() {
    use(policies(policyOf(DEADLINE, Conflict.DENY, TakeoverPolicy.DEFAULT)));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    advance(DEADLINE.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    advance(tick());
    return new Tab[] {alice, admin};
  }

  private void assertExpiredThenGranted(Tab alice, Tab admin, int mark) {
    Lease old = lastAcquired(alice);
    List<LockExpired> expired = recorder().ofType(LockExpired.class, mark);
    List<LockRevoked> revoked = recorder().ofType(LockRevoked.class, mark);
    assertThat(expired.size() + revoked.size())
        .as("alice's lock ends exactly once (expired %s, revoked %s)", expired, revoked)
        .isEqualTo(1);
    assertThat(pushedGrant(admin, mark).token()).isGreaterThan(old.token());
    sweep();
    assertThat(grants(admin, 0)).hasSize(1);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
  }

  // ---------------------------------------------------------------------------------------------
  // Takeover and the document hierarchy

  @Test
  void takeoverOfAFreeChildIsRefusedWhileAnotherSessionHoldsTheDocumentLock() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", REPORT_LOCK);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease docLock = acquire(alice, REPORT_LOCK);

    BatonException requested = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, false));
    BatonException immediate = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, true));

    assertThat(requested.details().get("lockResource")).isEqualTo(REPORT_LOCK.toString());
    assertThat(immediate.details().get("lockResource")).isEqualTo(REPORT_LOCK.toString());
    assertThat(holderDetail(immediate).get("userId")).isEqualTo("alice");
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    assertThat(verify(REPORT_LOCK, docLock.token()).valid()).isTrue();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(TakeoverRequested.class)).isEmpty();
  }

  @Test
  void takeoverOfAHeldChildIsRefusedWhileItsHolderAlsoHoldsTheDocumentLock() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", REPORT_LOCK);
    join(alice, DIAGNOSIS, JoinMode.VIEW);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease docLock = acquire(alice, REPORT_LOCK);
    Lease child = acquire(alice, DIAGNOSIS);

    BatonException requested = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, false));
    BatonException immediate = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), DIAGNOSIS, REASON, true));

    assertThat(requested.details().get("lockResource")).isEqualTo(REPORT_LOCK.toString());
    assertThat(immediate.details().get("lockResource")).isEqualTo(REPORT_LOCK.toString());
    assertThat(verify(DIAGNOSIS, child.token()).valid()).isTrue();
    assertThat(verify(REPORT_LOCK, docLock.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
    assertThat(recorder().ofType(TakeoverRequested.class)).isEmpty();
    advance(DEADLINE);
    sweep();
    assertThat(verify(DIAGNOSIS, child.token()).valid()).isTrue();
  }

  @Test
  void takeoverOfTheDocumentLockIsRefusedWhileAnotherSessionHoldsAChild() {
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab admin = viewer("admin", REPORT_LOCK);
    Lease child = acquire(bob, DIAGNOSIS);

    BatonException requested = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), REPORT_LOCK, REASON, false));
    BatonException immediate = refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), REPORT_LOCK, REASON, true));

    assertThat(requested.details().get("lockResource")).isEqualTo(DIAGNOSIS.toString());
    assertThat(immediate.details().get("lockResource")).isEqualTo(DIAGNOSIS.toString());
    assertThat(state(REPORT_LOCK, null).lock().held()).isFalse();
    assertThat(verify(DIAGNOSIS, child.token()).valid()).isTrue();
  }

  @Test
  void documentLockTakenWhileAChildTakeoverIsPendingNeverLeavesTwoHolders() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, REPORT_LOCK, JoinMode.VIEW);
    Tab admin = viewer("admin", DIAGNOSIS);
    Lease child = acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));

    AcquireResult docLock;
    try {
      docLock = await(store().acquire(alice.sessionId(), REPORT_LOCK, false, false));
    } catch (BatonException e) {
      docLock = null;
    }
    advance(DEADLINE);
    sweep();

    if (docLock instanceof AcquireResult.Granted) {
      // The document lock now blocks the transfer: alice keeps the child, and the admin is told.
      assertThat(verify(DIAGNOSIS, child.token()).valid()).isTrue();
      assertThat(grants(admin, 0)).isEmpty();
      assertThat(recorder().ofType(TakeoverDeclined.class))
          .extracting(TakeoverDeclined::sessionId)
          .containsExactly(admin.sessionId());
      assertThat(state(DIAGNOSIS, null).lock().takeover()).isNull();
    } else {
      assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Force release

  @Test
  void forceReleaseRevokesTheHolderAndFreesTheLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().forceRelease(DIAGNOSIS, ROOT, "stuck lock"));

    assertThat(single(recorder().ofType(LockRevoked.class, mark)))
        .isEqualTo(new LockRevoked(alice.sessionId(), DIAGNOSIS, old.token(), ROOT, "stuck lock"));
    assertThat(lastLockState(DIAGNOSIS, mark).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
    assertInvalid(verify(DIAGNOSIS, old.token()), "released");
    refused(ErrorCode.LOCK_LOST, store().renew(alice.sessionId(), DIAGNOSIS, old.token()));
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
  }

  @Test
  void forceReleaseHandsTheLockToTheHeadOfTheQueue() {
    use(policies(queuePolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Tab carol = viewer("carol", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    queued(bob, DIAGNOSIS);
    queued(carol, DIAGNOSIS);
    int mark = recorder().mark();

    await(store().forceRelease(DIAGNOSIS, ROOT, "stuck lock"));

    List<Event> events = recorder().since(mark);
    int revokedAt = indexOf(events, LockRevoked.class);
    int grantedAt = indexOf(events, LockGranted.class);
    assertThat(revokedAt).isNotNegative();
    assertThat(grantedAt).isGreaterThan(revokedAt);
    assertThat(pushedGrant(bob, mark).token()).isGreaterThan(old.token());
    assertThat(positions(carol, DIAGNOSIS, mark)).containsExactly(1);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(bob.sessionId());
    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
  }

  @Test
  void forceReleaseWhenNobodyHoldsTheLockIsNotHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);

    refused(ErrorCode.NOT_HOLDER, store().forceRelease(DIAGNOSIS, ROOT, "nothing"));
    refused(ErrorCode.NOT_HOLDER, store().forceRelease(OTHER_REPORT, ROOT, "never seen"));
    acquire(alice, DIAGNOSIS);
    advance(TTL);
    refused(ErrorCode.NOT_HOLDER, store().forceRelease(DIAGNOSIS, ROOT, "already expired"));

    assertThat(recorder().ofType(LockRevoked.class)).isEmpty();
  }

  /**
   * {@link Store#forceRelease}: "then the lock is handed on as after any release", and a release while
   * a takeover is pending hands the lock to the requester. At the least, a requester whose takeover
   * is dropped must be told ({@code takeover.declined}); it must never wait for a deadline that will
   * not come.
   */
  @Test
  void forceReleaseWhileATakeoverIsPendingDoesNotLeaveTheRequesterWaitingSilently() {
    use(policies(longTtlPolicy()));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    int mark = recorder().mark();

    await(store().forceRelease(DIAGNOSIS, ROOT, "stuck lock"));

    LockState lock = state(DIAGNOSIS, null).lock();
    assertThat(lock.takeover()).isNull();
    boolean handedOn = !grants(admin, mark).isEmpty();
    boolean told = !recorder().ofType(TakeoverDeclined.class, mark).isEmpty();
    assertThat(handedOn || told)
        .as("the requester is handed the lock (as after any release) or told its takeover ended;"
            + " lock now %s, events %s", lock, recorder().since(mark))
        .isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Per-type policies

  @Test
  void conflictIsPerType() {
    ResourceId note = ResourceId.parse("note:n1:main");
    use(new Policies(policy(), Map.of("note", queuePolicy())));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    Tab bob = viewer("bob", DIAGNOSIS);
    join(bob, note, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);
    acquire(alice, note);

    refused(ErrorCode.LOCK_HELD, store().acquire(bob.sessionId(), DIAGNOSIS, false, true));
    assertThat(queued(bob, note)).isEqualTo(1);

    assertThat(state(DIAGNOSIS, null).lock().queueLength()).isZero();
    assertThat(state(note, null).lock().queueLength()).isEqualTo(1);
    int mark = recorder().mark();
    await(store().release(alice.sessionId(), DIAGNOSIS));
    await(store().release(alice.sessionId(), note));
    assertThat(grants(bob, mark)).extracting(g -> g.lease().resource()).containsExactly(note);
  }

  @Test
  void maxViewersIsPerType() {
    ResourceId note = ResourceId.parse("note:n1:main");
    Policy oneViewer = new Policy(TTL, HEARTBEAT, GRACE, WARNING, MAX_LOCKS, 1, MAX_JOINS, Conflict.DENY,
        TakeoverPolicy.DEFAULT);
    use(new Policies(policy(), Map.of("note", oneViewer)));
    viewer("alice", note);
    viewer("alice", DIAGNOSIS);
    Tab bob = open("bob");

    refused(ErrorCode.VIEWER_LIMIT, store().join(bob.sessionId(), note, JoinMode.VIEW, true));
    join(bob, DIAGNOSIS, JoinMode.VIEW);
    viewer("carol", DIAGNOSIS);

    assertThat(state(note, null).presence().members()).hasSize(1);
    assertThat(state(DIAGNOSIS, null).presence().members()).hasSize(3);
  }

  @Test
  void twoTypesWithDifferentPoliciesBehaveIndependently() {
    ResourceId note = ResourceId.parse("note:n1:main");
    Duration noteTtl = Duration.ofSeconds(20);
    Duration noteGrace = Duration.ofSeconds(2);
    Policy notePolicy = new Policy(noteTtl, HEARTBEAT, noteGrace, WARNING, MAX_LOCKS, 1, MAX_JOINS,
        Conflict.QUEUE, takeoverPolicy(Duration.ofSeconds(10), true));
    use(new Policies(policy(), Map.of("note", notePolicy)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    Lease report = acquire(alice, DIAGNOSIS);
    Lease noteLease = acquire(alice, note);
    Tab bob = viewer("bob", DIAGNOSIS);
    join(bob, note, JoinMode.VIEW);
    Tab carol = open("carol");

    assertRemaining(report.remainingMs(), TTL);
    assertRemaining(noteLease.remainingMs(), noteTtl);
    refused(ErrorCode.VIEWER_LIMIT, store().join(carol.sessionId(), note, JoinMode.VIEW, true));
    join(carol, DIAGNOSIS, JoinMode.VIEW);
    refused(ErrorCode.LOCK_HELD, store().acquire(bob.sessionId(), DIAGNOSIS, false, true));
    assertThat(queued(bob, note)).isEqualTo(1);

    disconnect(alice);
    advance(noteGrace.minus(tick()));
    sweep();
    assertThat(recorder().ofType(LockGranted.class)).isEmpty();
    advance(tick());
    int mark = recorder().mark();
    sweep();

    assertThat(grants(bob, mark)).extracting(g -> g.lease().resource()).containsExactly(note);
    assertThat(verify(note, noteLease.token()).valid()).isFalse();
    assertThat(verify(DIAGNOSIS, report.token()).valid()).as("report's grace is 5 s").isTrue();
    advance(GRACE.minus(noteGrace).minus(tick()));
    assertThat(verify(DIAGNOSIS, report.token()).valid()).isTrue();
    advance(tick());
    assertThat(verify(DIAGNOSIS, report.token()).valid()).isFalse();
    assertThat(grants(bob, 0)).hasSize(1);
  }

  @Test
  void takeoverTimeoutAndDeclineArePerType() {
    ResourceId note = ResourceId.parse("note:n1:main");
    Policy notePolicy = policyOf(LONG_TTL, Conflict.DENY, takeoverPolicy(Duration.ofSeconds(10), true));
    use(new Policies(longTtlPolicy(), Map.of("note", notePolicy)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    Tab admin = viewer("admin", DIAGNOSIS);
    join(admin, note, JoinMode.VIEW);
    Lease report = acquire(alice, DIAGNOSIS);
    Lease noteLease = acquire(alice, note);

    assertRemaining(pending(takeover(admin, DIAGNOSIS, REASON, false)).remainingMs(), DEADLINE);
    assertRemaining(pending(takeover(admin, note, REASON, false)).remainingMs(), Duration.ofSeconds(10));
    refused(ErrorCode.FORBIDDEN, store().respondTakeover(alice.sessionId(), DIAGNOSIS, false));

    advance(Duration.ofSeconds(10));
    sweep();
    assertThat(verify(note, noteLease.token()).valid()).as("note's takeover timeout is 10 s").isFalse();
    assertThat(state(note, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(verify(DIAGNOSIS, report.token()).valid()).isTrue();
    advance(DEADLINE.minusSeconds(10));
    sweep();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
  }

  @Test
  void declineIsAllowedOnlyWhereTheTypesPolicyAllowsIt() {
    ResourceId note = ResourceId.parse("note:n1:main");
    Policy notePolicy = policyOf(LONG_TTL, Conflict.DENY, takeoverPolicy(DEADLINE, true));
    use(new Policies(longTtlPolicy(), Map.of("note", notePolicy)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    Tab admin = viewer("admin", DIAGNOSIS);
    join(admin, note, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);
    Lease noteLease = acquire(alice, note);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    pending(takeover(admin, note, REASON, false));

    refused(ErrorCode.FORBIDDEN, store().respondTakeover(alice.sessionId(), DIAGNOSIS, false));
    await(store().respondTakeover(alice.sessionId(), note, false));

    assertThat(recorder().ofType(TakeoverDeclined.class))
        .extracting(TakeoverDeclined::resource)
        .containsExactly(note);
    assertThat(state(note, null).lock().takeover()).isNull();
    assertThat(state(DIAGNOSIS, null).lock().takeover()).isNotNull();
    advance(DEADLINE);
    sweep();
    assertThat(verify(note, noteLease.token()).valid()).isTrue();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(admin.sessionId());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The test default with {@code conflict: queue}. */
  protected static Policy queuePolicy() {
    return policyOf(TTL, Conflict.QUEUE, TakeoverPolicy.DEFAULT);
  }

  /** The test default with a lock TTL that outlives the takeover deadline. */
  protected static Policy longTtlPolicy() {
    return policyOf(LONG_TTL, Conflict.DENY, TakeoverPolicy.DEFAULT);
  }

  protected static Policy policyOf(Duration lockTtl, Conflict conflict, TakeoverPolicy takeover) {
    return new Policy(lockTtl, HEARTBEAT, GRACE, WARNING, MAX_LOCKS, Policy.UNLIMITED, MAX_JOINS, conflict,
        takeover);
  }

  protected static TakeoverPolicy takeoverPolicy(Duration timeout, boolean allowDecline) {
    return new TakeoverPolicy(TakeoverMode.REQUEST, timeout, allowDecline);
  }

  /** {@code lock.acquire {wait: true}} that must queue; returns the position. */
  protected final int queued(Tab tab, ResourceId resource) {
    AcquireResult result = await(store().acquire(tab.sessionId(), resource, false, true));
    assertThat(result).as("acquire with wait").isInstanceOf(AcquireResult.Queued.class);
    AcquireResult.Queued queued = (AcquireResult.Queued) result;
    assertThat(queued.resource()).isEqualTo(resource);
    return queued.position();
  }

  @Test
  void holderLeavingAfterItsLockRanOutIsToldItExpired() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL);
    int mark = recorder().mark();

    await(store().leave(alice.sessionId(), DIAGNOSIS));

    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, lease.token()));
    assertThat(verify(DIAGNOSIS, lease.token()).reason()).isEqualTo("expired");
  }

  @Test
  void disconnectAfterTheLockRanOutAnnouncesTheExpiryNotAGrace() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL);
    int mark = recorder().mark();

    disconnect(alice);

    assertThat(recorder().ofType(LockExpired.class, mark))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, lease.token()));
    assertThat(recorder().ofType(LockStateChanged.class, DIAGNOSIS, mark))
        .noneMatch(c -> c.lock().held() && c.lock().inGrace());
  }

  @Test
  void refusedBreakGlassKeepsTheRequestersPendingTakeover() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    Tab admin = viewer("admin", DIAGNOSIS);
    pending(takeover(admin, DIAGNOSIS, REASON, false));
    join(alice, REPORT_LOCK, JoinMode.VIEW);
    acquire(alice, REPORT_LOCK);

    refused(ErrorCode.LOCK_HELD, store().takeover(admin.sessionId(), DIAGNOSIS, "now", true));

    assertThat(state(DIAGNOSIS, admin).lock().takeover()).as("the pending takeover").isNotNull();
    assertThat(state(DIAGNOSIS, admin).lock().holder()).isEqualTo(holderOf(alice));
  }

  /** {@code lock.takeover}; a granted lease is noted for the invariant check. */
  protected final AcquireResult takeover(Tab tab, ResourceId resource, String reason, boolean immediate) {
    AcquireResult result = await(store().takeover(tab.sessionId(), resource, reason, immediate));
    if (result instanceof AcquireResult.Granted g) {
      recorder().observe(tab.sessionId(), g.lease());
      lastAcquired.put(tab.sessionId(), g.lease());
    }
    return result;
  }

  private final Map<String, Lease> lastAcquired = new HashMap<>();

  /** The last lease {@link #acquire} or {@link #takeover} returned to {@code tab} in this class. */
  private Lease lastAcquired(Tab tab) {
    Lease lease = lastAcquired.get(tab.sessionId());
    if (lease == null) {
      lease = recorder().leases().stream()
          .filter(l -> l.sessionId().equals(tab.sessionId()))
          .reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no lease of " + tab.sessionId()))
          .lease();
    }
    return lease;
  }

  protected static AcquireResult.TakeoverPending pending(AcquireResult result) {
    assertThat(result).as("takeover outcome").isInstanceOf(AcquireResult.TakeoverPending.class);
    return (AcquireResult.TakeoverPending) result;
  }

  /** The lock as the other party names it. */
  protected static Holder holderOf(Tab tab) {
    return new Holder(tab.principal().userId(), tab.principal().name(), tab.sessionId());
  }

  /** The {@code lock.granted} pushes to {@code tab} since {@code mark}. */
  protected final List<LockGranted> grants(Tab tab, int mark) {
    return toSession(tab, LockGranted.class, mark);
  }

  /** The one lease pushed to {@code tab} since {@code mark}. */
  protected final Lease pushedGrant(Tab tab, int mark) {
    List<LockGranted> grants = grants(tab, mark);
    assertThat(grants).as("lock.granted to %s since #%d: %s", tab.principal().userId(), mark,
        recorder().since(mark)).hasSize(1);
    return grants.get(0).lease();
  }

  /** The queue positions announced to {@code tab} since {@code mark}. */
  protected final List<Integer> positions(Tab tab, ResourceId resource, int mark) {
    return toSession(tab, LockQueued.class, mark).stream()
        .filter(q -> q.resource().equals(resource))
        .map(LockQueued::position)
        .toList();
  }

  protected final <T extends SessionEvent> List<T> toSession(Tab tab, Class<T> type, int mark) {
    return recorder().forSession(tab.sessionId(), mark).stream()
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  protected final LockStateChanged lastLockState(ResourceId resource, int mark) {
    List<LockStateChanged> changes = recorder().ofType(LockStateChanged.class, resource, mark);
    assertThat(changes).as("lock.state of %s since #%d", resource, mark).isNotEmpty();
    return changes.get(changes.size() - 1);
  }

  private static int indexOf(List<Event> events, Class<? extends Event> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Alice's lock {@code old} went to the admin by takeover since {@code mark}. */
  private void assertTakenOver(Tab alice, Tab admin, Lease old, int mark) {
    LockRevoked revoked = single(recorder().ofType(LockRevoked.class, mark));
    assertThat(revoked).isEqualTo(new LockRevoked(alice.sessionId(), DIAGNOSIS, old.token(), holderOf(admin), REASON));
    Lease handed = pushedGrant(admin, mark);
    assertThat(handed.resource()).isEqualTo(DIAGNOSIS);
    assertThat(handed.token()).isGreaterThan(old.token());
    LockState lock = state(DIAGNOSIS, admin).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(admin.sessionId());
    assertThat(lock.token()).isEqualTo(handed.token());
    assertThat(lock.takeover()).isNull();
    assertThat(state(DIAGNOSIS, admin).role()).isEqualTo(Role.EDITOR);
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
    refused(ErrorCode.LOCK_LOST, store().renew(alice.sessionId(), DIAGNOSIS, old.token()));
    assertThat(verify(DIAGNOSIS, handed.token()).valid()).isTrue();
  }
}
