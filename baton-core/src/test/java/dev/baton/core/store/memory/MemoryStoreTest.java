package dev.baton.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.fencing.MemoryFencingCounter;
import dev.baton.core.model.Lease;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreContractPhase2;
import dev.baton.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The store contract (phase 1 and phase 2: {@link StoreContractPhase2} extends {@code StoreContract})
 * against {@link MemoryStore}, on a fake clock that starts one minute before its
 * monotonic reading overflows, plus what only a fake wall clock can show: a wall-clock step moves no
 * expiry.
 */
class MemoryStoreTest extends StoreContractPhase2 {

  private final FakeClock clock = FakeClock.nearOverflow();
  private MemoryStore memory;

  @Override
  protected Store newStore(Policies policies, EventSink sink) {
    memory = new MemoryStore(clock, policies, new MemoryFencingCounter(0), sink);
    return memory;
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }

  @Test
  void wallClockJumpForwardExpiresNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    clock.jumpWall(Duration.ofHours(2));
    sweep();

    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertRemaining(state(DIAGNOSIS, null).lock().remainingMs(), TTL);
    assertRemaining(renew(alice, DIAGNOSIS, lease.token()).remainingMs(), TTL);
  }

  @Test
  void wallClockJumpBackwardExtendsNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    clock.jumpWall(Duration.ofHours(-2));
    advance(TTL);

    assertInvalid(verify(DIAGNOSIS, lease.token()), "expired");
  }

  @Test
  void wallClockJumpDuringGraceMovesNoGraceEnd() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);

    clock.jumpWall(Duration.ofHours(2));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    clock.jumpWall(Duration.ofHours(-4));
    advance(GRACE);

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isFalse();
  }

  @Test
  void lockExpiresExactlyAtTtlAcrossMonotonicOverflow() {
    advance(Duration.ofSeconds(55)); // five seconds before the reading wraps
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    advance(TTL.minus(NANO));
    assertThat(clock.monotonicNanos()).as("the reading wrapped").isNegative();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();

    advance(NANO);
    assertInvalid(verify(DIAGNOSIS, lease.token()), "expired");
  }

  @Test
  void heartbeatsCarryALockAcrossMonotonicOverflow() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    for (int i = 0; i < 30; i++) {
      advance(HEARTBEAT);
      assertThat(heartbeat(alice)).extracting(Lease::token).containsExactly(lease.token());
    }

    assertThat(clock.monotonicNanos()).as("the reading wrapped").isNegative();
    sweep();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();
    assertRemaining(state(DIAGNOSIS, null).lock().remainingMs(), TTL);
  }

  @Test
  void graceEndsExactlyAcrossMonotonicOverflow() {
    advance(Duration.ofSeconds(57));
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);

    advance(GRACE.minus(NANO));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();

    advance(NANO);
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isFalse();
  }

  // ---------------------------------------------------------------- the deadline index behind sweep

  @Test
  void idleJoinedSessionsArmNoDeadlineAndAHeldLockArmsOne() {
    for (int i = 0; i < 50; i++) {
      viewer("user" + i, ResourceId.parse("idle:r" + i + ":main"));
    }
    assertThat(memory.armedDeadlines()).isZero();

    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    assertThat(memory.armedDeadlines()).isEqualTo(1);

    await(memory.release(alice.sessionId(), DIAGNOSIS));
    assertThat(memory.armedDeadlines()).as("a resource with a member is not idle").isZero();
    assertThat(verify(DIAGNOSIS, lease.token()).reason()).isEqualTo("released");
  }

  @Test
  void aRenewalReArmsTheExpiryAndTheOldDeadlineExpiresNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL.minusSeconds(1));
    renew(alice, DIAGNOSIS, lease.token());

    advance(Duration.ofSeconds(2));
    sweep();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();

    advance(TTL.minusSeconds(2).minus(NANO));
    sweep();
    assertThat(recorder().ofType(LockExpired.class)).isEmpty();

    advance(NANO);
    sweep();
    sweep();
    assertThat(recorder().ofType(LockExpired.class)).extracting(LockExpired::token).containsExactly(lease.token());
    assertThat(memory.armedDeadlines()).as("the expired lock is disarmed").isZero();
  }

  @Test
  void locksWithTheSameDeadlineAllExpireInOneSweepInTheOrderTheyWereGranted() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", OTHER_REPORT);
    Tab carol = viewer("carol", ResourceId.parse("chart:c1:notes"));
    long first = acquire(bob, OTHER_REPORT).token();
    long second = acquire(alice, DIAGNOSIS).token();
    long third = acquire(carol, ResourceId.parse("chart:c1:notes")).token();

    advance(TTL);
    sweep();

    assertThat(recorder().ofType(LockExpired.class)).extracting(LockExpired::token)
        .containsExactly(first, second, third);
  }

  @Test
  void aLongIdleRecordIsDroppedExactlyWhenItsTimeComes() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    await(memory.release(alice.sessionId(), DIAGNOSIS));
    await(memory.leave(alice.sessionId(), DIAGNOSIS));
    assertThat(memory.armedDeadlines()).as("the idle record's cleanup").isEqualTo(1);

    advance(MemoryStore.IDLE_RECORD_TTL.minus(NANO));
    sweep();
    assertThat(verify(DIAGNOSIS, lease.token()).reason()).isEqualTo("released");

    advance(NANO);
    sweep();
    assertThat(memory.armedDeadlines()).isZero();
    assertThat(verify(DIAGNOSIS, lease.token()).reason()).isEqualTo("unknown");
  }

  @Test
  void aDroppedRecordsResourceStartsAfreshWhenJoinedAgain() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease first = acquire(alice, DIAGNOSIS);
    await(memory.release(alice.sessionId(), DIAGNOSIS));
    await(memory.leave(alice.sessionId(), DIAGNOSIS));
    advance(MemoryStore.IDLE_RECORD_TTL);
    sweep();

    Tab bob = viewer("bob", DIAGNOSIS);
    Lease second = acquire(bob, DIAGNOSIS);

    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(verify(DIAGNOSIS, second.token()).valid()).isTrue();
  }

  @Test
  void anAwaySessionIsArmedUntilItResumes() {
    Tab alice = viewer("alice", DIAGNOSIS);
    disconnect(alice);
    assertThat(memory.armedDeadlines()).isEqualTo(1);

    resume(alice.principal(), alice.resumeToken());
    assertThat(memory.armedDeadlines()).isZero();
    advance(GRACE);
    sweep();
    assertThat(recorder().ofType(PresenceLeft.class)).isEmpty();
  }
}
