package dev.baton.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.fencing.MemoryFencingCounter;
import dev.baton.core.model.Lease;
import dev.baton.core.policy.Policies;
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

  @Override
  protected Store newStore(Policies policies, EventSink sink) {
    return new MemoryStore(clock, policies, new MemoryFencingCounter(0), sink);
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
}
