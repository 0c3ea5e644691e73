package dev.baton.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockExpiring;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.ResourceEvent;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.ResourceState;
import dev.baton.core.model.Role;
import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverPolicy;
import dev.baton.core.resource.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} must have, whatever keeps its state (the centrifuge pattern of
 * shared broker tests): {@code MemoryStoreTest} runs it against the memory store, the Redis store's
 * test against Redis, each with its own factory. Tests here drive time only through {@link #advance},
 * never sleep, and test every expiry at its exact boundary.
 *
 * <p>After every test an invariant check runs over everything the store announced: at no point do two
 * sessions hold one resource, a child and its document lock are never held by two different sessions
 * at once, tokens granted per resource strictly increase, and every lease a call returned was
 * announced as that session's lock.
 *
 * <p>Each test gets a fresh instance; the race tests start their own threads and join them.
 */
public abstract class StoreContract {

  protected static final Duration TTL = Duration.ofSeconds(10);
  protected static final Duration HEARTBEAT = Duration.ofSeconds(3);
  protected static final Duration GRACE = Duration.ofSeconds(5);
  protected static final Duration WARNING = Duration.ofSeconds(4);
  protected static final int MAX_LOCKS = 3;
  protected static final int MAX_JOINS = 200;
  protected static final Duration NANO = Duration.ofNanos(1);

  protected static final ResourceId DIAGNOSIS = ResourceId.parse("report:r1:diagnosis");
  protected static final ResourceId FINDINGS = ResourceId.parse("report:r1:findings");
  protected static final ResourceId SUMMARY = ResourceId.parse("report:r1:summary");
  protected static final ResourceId REPORT_LOCK = ResourceId.documentLock("report", "r1");
  protected static final ResourceId OTHER_REPORT = ResourceId.parse("report:r2:diagnosis");

  private static final long AWAIT_SECONDS = 30;

  private final AtomicInteger connections = new AtomicInteger();
  private EventRecorder recorder;
  private Store store;

  /**
   * A fresh store whose state no other call of this method shares (the Redis test: a random key
   * prefix), reading the clock that {@link #advance} moves.
   */
  protected abstract Store newStore(Policies policies, EventSink sink);

  /** Moves the store's clock forward by {@code d}: monotonic and wall time together. */
  protected abstract void advance(Duration d);

  /**
   * How far a reported {@code remainingMs} or {@code expiresAt} may be off the exact value: zero for
   * a store whose clock only moves when told.
   */
  protected Duration timingSlack() {
    return Duration.ZERO;
  }

  /**
   * The store's time resolution: the smallest step of {@link #advance} that it can tell apart. The
   * boundary tests check "one tick before" and "exactly at" every expiry with it. One nanosecond for
   * the memory store; a store that counts time in microseconds (Redis) answers one microsecond and
   * must then be driven by a clock that starts on a whole microsecond.
   */
  protected Duration tick() {
    return NANO;
  }

  @BeforeEach
  void openStore() {
    use(policies(policy()));
  }

  @AfterEach
  void checkInvariants() {
    List<String> violations =
        InvariantChecker.check(recorder.all(), recorder.leases());
    assertThat(violations).as("store invariants over the recorded events").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions

  @Test
  void sessionIdsAreDistinct() {
    Set<String> sessionIds = new HashSet<>();
    Set<String> resumeTokens = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Tab tab = open("user" + (i % 3));
      sessionIds.add(tab.sessionId());
      resumeTokens.add(tab.resumeToken());
    }
    assertThat(sessionIds).hasSize(200);
    assertThat(resumeTokens).hasSize(200);
  }

  @Test
  void newSessionIsNotResumedAndHasNoResources() {
    SessionGrant grant = await(store.openSession(principal("alice"), "conn-a"));

    assertThat(grant.sessionId()).isNotBlank();
    assertThat(grant.resumed()).isFalse();
    assertThat(grant.resources()).isEmpty();
  }

  @Test
  void resumeTokensCarryAtLeast128Bits() {
    for (int i = 0; i < 20; i++) {
      String token = open("alice").resumeToken();
      assertThat(token).matches("[A-Za-z0-9_+/=-]+");
      String symbols = token.replace("=", "");
      int bitsPerSymbol = symbols.matches("[0-9a-fA-F]+") ? 4 : 6;
      assertThat(symbols.length() * bitsPerSymbol).as("bits in %s", token).isGreaterThanOrEqualTo(128);
    }
  }

  @Test
  void aNewSessionOverMaxSessionsPerUserIsRefusedAndOpensNothing() {
    open("alice");
    Tab second = open("alice");
    long sessionsBefore = store.stats().sessions();

    BatonException e = refused(ErrorCode.RATE_LIMITED, store.openSession(principal("alice"), "conn-x", 2));

    assertThat(e.details().get("scope")).isEqualTo("sessionsPerUser");
    assertThat(((Number) e.details().get("limit")).longValue()).isEqualTo(2);
    assertThat(((Number) e.details().get("current")).longValue()).isEqualTo(2);
    assertThat(store.stats().sessions()).isEqualTo(sessionsBefore);
    assertThat(await(store.openSession(principal("bob"), "conn-y", 2)).sessionId()).as("another user").isNotBlank();
    refused(ErrorCode.RATE_LIMITED, store.resumeSession(principal("alice"), "no-such-token", "conn-z", 2));

    disconnect(second);
    SessionGrant resumed = await(store.resumeSession(principal("alice"), second.resumeToken(), "conn-w", 2));
    assertThat(resumed.resumed()).as("resuming is not a new session").isTrue();
  }

  @Test
  void anEndedSessionNoLongerCountsForMaxSessionsPerUser() {
    Tab first = open("alice");
    Tab second = open("alice");
    refused(ErrorCode.RATE_LIMITED, store.openSession(principal("alice"), "conn-x", 2));

    await(store.endSession(first.sessionId()));
    assertThat(await(store.openSession(principal("alice"), "conn-y", 2)).resumed()).isFalse();

    disconnect(second);
    advance(GRACE.plus(tick()));
    sweep();
    assertThat(await(store.openSession(principal("alice"), "conn-z", 2)).resumed())
        .as("a session whose grace ran out is gone").isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Join

  @Test
  void joinAnnouncesNewMemberWithNextPresenceVersion() {
    Tab alice = open("alice");
    long before = state(DIAGNOSIS, null).presence().version();

    JoinResult joined = join(alice, DIAGNOSIS, JoinMode.VIEW);

    PresenceJoined event = single(recorder.ofType(PresenceJoined.class));
    assertThat(event.resource()).isEqualTo(DIAGNOSIS);
    assertThat(event.version()).isEqualTo(before + 1);
    assertThat(event.member().sessionId()).isEqualTo(alice.sessionId());
    assertThat(event.member().userId()).isEqualTo("alice");
    assertThat(event.member().name()).isEqualTo(nameOf("alice"));
    assertThat(event.member().role()).isEqualTo(Role.VIEWER);
    assertThat(event.member().status()).isEqualTo(MemberStatus.ONLINE);
    assertThat(joined.state().presence().version()).isEqualTo(before + 1);
    assertThat(joined.state().role()).isEqualTo(Role.VIEWER);
    assertThat(joined.downgraded()).isFalse();
    assertThat(joined.reason()).isNull();
  }

  @Test
  void joinWithEditTakesFreeLock() {
    Tab alice = open("alice");

    JoinResult joined = join(alice, DIAGNOSIS, JoinMode.EDIT);

    assertThat(joined.downgraded()).isFalse();
    assertThat(joined.reason()).isNull();
    assertThat(joined.state().role()).isEqualTo(Role.EDITOR);
    LockState lock = joined.state().lock();
    assertThat(lock.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(lock.token()).as("the holder sees its own token").isNotNull();
    assertThat(member(joined.state(), alice).role()).isEqualTo(Role.EDITOR);

    List<ResourceEvent> events = recorder.forResource(DIAGNOSIS);
    assertThat(events.get(0)).isInstanceOf(PresenceJoined.class);
    Member lastPresence = lastPresenceOf(events, alice);
    assertThat(lastPresence.role()).isEqualTo(Role.EDITOR);
    LockStateChanged grant = single(recorder.ofType(LockStateChanged.class));
    assertThat(events.indexOf(grant)).isGreaterThan(0);
    assertThat(grant.lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(grant.lock().token()).isEqualTo(lock.token());
  }

  @Test
  void joinWithEditWhileLockHeldDowngradesWithLockHeld() {
    Tab alice = open("alice");
    Tab bob = open("bob");
    join(alice, DIAGNOSIS, JoinMode.EDIT);

    JoinResult joined = join(bob, DIAGNOSIS, JoinMode.EDIT);

    assertThat(joined.state().role()).isEqualTo(Role.VIEWER);
    assertThat(joined.downgraded()).isTrue();
    assertThat(joined.reason()).isEqualTo(ErrorCode.LOCK_HELD);
    assertThat(joined.state().lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(joined.state().lock().token()).as("nobody else sees the token").isNull();
  }

  @Test
  void joinWithEditWithoutEditRightDowngradesWithForbidden() {
    Tab alice = open("alice");

    JoinResult joined = await(store.join(alice.sessionId(), DIAGNOSIS, JoinMode.EDIT, false));

    assertThat(joined.state().role()).isEqualTo(Role.VIEWER);
    assertThat(joined.downgraded()).isTrue();
    assertThat(joined.reason()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void joinWithEditOverLockLimitDowngradesWithLockLimit() {
    use(policies(policy(TTL, GRACE, 1, Policy.UNLIMITED, MAX_JOINS)));
    Tab alice = open("alice");
    join(alice, DIAGNOSIS, JoinMode.EDIT);

    JoinResult joined = join(alice, FINDINGS, JoinMode.EDIT);

    assertThat(joined.state().role()).isEqualTo(Role.VIEWER);
    assertThat(joined.downgraded()).isTrue();
    assertThat(joined.reason()).isEqualTo(ErrorCode.LOCK_LIMIT);
    assertThat(state(FINDINGS, null).lock().held()).isFalse();
  }

  @Test
  void joinAgainIsIdempotent() {
    Tab alice = open("alice");
    JoinResult first = join(alice, DIAGNOSIS, JoinMode.VIEW);
    int mark = recorder.mark();

    JoinResult again = join(alice, DIAGNOSIS, JoinMode.VIEW);

    assertThat(recorder.ofType(PresenceJoined.class, mark)).isEmpty();
    assertThat(again.state().presence().version()).isEqualTo(first.state().presence().version());
    assertThat(again.state().presence().members()).hasSize(1);
  }

  @Test
  void joinBeyondMaxJoinsPerSessionFailsWithJoinLimit() {
    use(policies(policy(TTL, GRACE, MAX_LOCKS, Policy.UNLIMITED, 2)));
    Tab alice = open("alice");
    join(alice, DIAGNOSIS, JoinMode.VIEW);
    join(alice, FINDINGS, JoinMode.VIEW);

    refused(ErrorCode.JOIN_LIMIT, store.join(alice.sessionId(), SUMMARY, JoinMode.VIEW, true));

    join(alice, FINDINGS, JoinMode.VIEW); // joining again at the limit is still idempotent
    assertThat(state(SUMMARY, null).presence().members()).isEmpty();
  }

  @Test
  void leavingFreesAJoinSlot() {
    use(policies(policy(TTL, GRACE, MAX_LOCKS, Policy.UNLIMITED, 2)));
    Tab alice = open("alice");
    join(alice, DIAGNOSIS, JoinMode.VIEW);
    join(alice, FINDINGS, JoinMode.VIEW);

    await(store.leave(alice.sessionId(), DIAGNOSIS));

    assertThat(join(alice, SUMMARY, JoinMode.VIEW).state().role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void joinBeyondMaxViewersFailsWithViewerLimit() {
    use(policies(policy(TTL, GRACE, MAX_LOCKS, 2, MAX_JOINS)));
    join(open("alice"), DIAGNOSIS, JoinMode.VIEW);
    join(open("bob"), DIAGNOSIS, JoinMode.VIEW);
    Tab carol = open("carol");

    refused(ErrorCode.VIEWER_LIMIT, store.join(carol.sessionId(), DIAGNOSIS, JoinMode.VIEW, true));

    assertThat(state(DIAGNOSIS, null).presence().members()).hasSize(2);
  }

  @Test
  void editorDoesNotCountAsViewer() {
    use(policies(policy(TTL, GRACE, MAX_LOCKS, 1, MAX_JOINS)));
    join(open("alice"), DIAGNOSIS, JoinMode.EDIT);

    join(open("bob"), DIAGNOSIS, JoinMode.VIEW);

    Tab carol = open("carol");
    refused(ErrorCode.VIEWER_LIMIT, store.join(carol.sessionId(), DIAGNOSIS, JoinMode.VIEW, true));
  }

  @Test
  void editJoinWithFreeLockWorksAtViewerLimit() {
    use(policies(policy(TTL, GRACE, MAX_LOCKS, 1, MAX_JOINS)));
    join(open("alice"), DIAGNOSIS, JoinMode.VIEW);
    Tab bob = open("bob");

    JoinResult joined = join(bob, DIAGNOSIS, JoinMode.EDIT);

    assertThat(joined.state().role()).isEqualTo(Role.EDITOR);
    assertThat(joined.state().lock().holder().sessionId()).isEqualTo(bob.sessionId());
  }

  // ---------------------------------------------------------------------------------------------
  // Acquire

  @Test
  void acquireWithoutJoinFailsWithNotJoined() {
    Tab alice = open("alice");

    refused(ErrorCode.NOT_JOINED, store.acquire(alice.sessionId(), DIAGNOSIS, false, false));

    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void acquireFreeLockGrantsLeaseAndAnnouncesIt() {
    Tab alice = viewer("alice", DIAGNOSIS);
    int mark = recorder.mark();

    Lease lease = acquire(alice, DIAGNOSIS);

    assertThat(lease.resource()).isEqualTo(DIAGNOSIS);
    assertThat(lease.token()).isPositive();
    assertRemaining(lease.remainingMs(), TTL);
    List<ResourceEvent> events = recorder.forResource(DIAGNOSIS, mark);
    assertThat(events)
        .extracting(Object::getClass)
        .containsExactly(PresenceChanged.class, LockStateChanged.class);
    Member editor = ((PresenceChanged) events.get(0)).member();
    assertThat(editor.sessionId()).isEqualTo(alice.sessionId());
    assertThat(editor.role()).isEqualTo(Role.EDITOR);
    LockState lock = ((LockStateChanged) events.get(1)).lock();
    assertThat(lock.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(lock.holder().userId()).isEqualTo("alice");
    assertThat(lock.holder().name()).isEqualTo(nameOf("alice"));
    assertThat(lock.token()).isEqualTo(lease.token());
    assertThat(lock.inGrace()).isFalse();
  }

  @Test
  void acquireByHolderAgainRenewsWithSameToken() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease first = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(4));

    Lease again = acquire(alice, DIAGNOSIS);

    assertThat(again.token()).isEqualTo(first.token());
    assertRemaining(again.remainingMs(), TTL);
    assertMillis(again.expiresAt() - first.expiresAt(), Duration.ofSeconds(4));
    advance(TTL.minus(tick()));
    assertThat(verify(DIAGNOSIS, first.token()).valid()).isTrue();
  }

  @Test
  void acquireHeldByOtherUserFailsWithLockHeldDetails() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(3));

    BatonException e = refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    Map<?, ?> holder = holderDetail(e);
    assertThat(holder.get("userId")).isEqualTo("alice");
    assertThat(holder.get("name")).isEqualTo(nameOf("alice"));
    assertThat(holder.get("self")).isIn(null, Boolean.FALSE);
    assertMillis(number(e, "expiresAt"), Duration.ofMillis(lease.expiresAt()));
    assertRemaining(number(e, "remainingMs"), Duration.ofSeconds(7));
    assertThat(e.details().get("inGrace")).isEqualTo(Boolean.FALSE);
    assertThat(number(e, "queueLength")).isZero();
    assertThat(state(DIAGNOSIS, null).lock().token()).isEqualTo(lease.token());
  }

  @Test
  void acquireHeldByOwnOtherSessionFailsWithSelfHolder() {
    Tab tab1 = viewer("alice", DIAGNOSIS);
    Tab tab2 = viewer("alice", DIAGNOSIS);
    acquire(tab1, DIAGNOSIS);

    BatonException e = refused(ErrorCode.LOCK_HELD, store.acquire(tab2.sessionId(), DIAGNOSIS, false, false));

    assertThat(holderDetail(e).get("self")).isEqualTo(Boolean.TRUE);
    assertThat(holderDetail(e).get("userId")).isEqualTo("alice");
  }

  @Test
  void takeOwnMovesLockToCallerWithNewToken() {
    Tab tab1 = viewer("alice", DIAGNOSIS);
    Tab tab2 = viewer("alice", DIAGNOSIS);
    Lease old = acquire(tab1, DIAGNOSIS);

    Lease moved = takeOwn(tab2, DIAGNOSIS);

    assertThat(moved.token()).isGreaterThan(old.token());
    assertRemaining(moved.remainingMs(), TTL);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(tab2.sessionId());
    assertThat(state(DIAGNOSIS, tab2).role()).isEqualTo(Role.EDITOR);
    assertThat(state(DIAGNOSIS, tab1).role()).isEqualTo(Role.VIEWER);
    refused(ErrorCode.LOCK_LOST, store.renew(tab1.sessionId(), DIAGNOSIS, old.token()));
    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
  }

  @Test
  void takeOwnRevokesTheOldSession() {
    Tab tab1 = viewer("alice", DIAGNOSIS);
    Tab tab2 = viewer("alice", DIAGNOSIS);
    Lease old = acquire(tab1, DIAGNOSIS);
    int mark = recorder.mark();

    takeOwn(tab2, DIAGNOSIS);

    LockRevoked revoked = single(recorder.ofType(LockRevoked.class, mark));
    assertThat(revoked.sessionId()).isEqualTo(tab1.sessionId());
    assertThat(revoked.resource()).isEqualTo(DIAGNOSIS);
    assertThat(revoked.token()).isEqualTo(old.token());
    assertThat(revoked.by()).isNotNull();
    assertThat(revoked.by().sessionId()).isEqualTo(tab2.sessionId());
  }

  @Test
  void takeOwnDoesNotMoveAnotherUsersLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, true, false));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(recorder.ofType(LockRevoked.class)).isEmpty();
  }

  @Test
  void lockLimitCountsUserLocksInOneDocumentOverAllSessions() {
    use(policies(policy(TTL, GRACE, 2, Policy.UNLIMITED, MAX_JOINS)));
    Tab tab1 = viewer("alice", DIAGNOSIS);
    Tab tab2 = viewer("alice", FINDINGS);
    join(tab1, SUMMARY, JoinMode.VIEW);
    acquire(tab1, DIAGNOSIS);
    acquire(tab2, FINDINGS);

    BatonException e = refused(ErrorCode.LOCK_LIMIT, store.acquire(tab1.sessionId(), SUMMARY, false, false));

    assertThat(number(e, "limit")).isEqualTo(2);
    assertThat(number(e, "held")).isEqualTo(2);
    assertThat(state(SUMMARY, null).lock().held()).isFalse();
  }

  @Test
  void lockLimitIsPerDocumentAndPerUser() {
    use(policies(policy(TTL, GRACE, 1, Policy.UNLIMITED, MAX_JOINS)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    Tab bob = viewer("bob", FINDINGS);
    acquire(alice, DIAGNOSIS);

    acquire(alice, OTHER_REPORT);
    acquire(bob, FINDINGS);

    assertThat(locksOf("alice")).hasSize(2);
    assertThat(locksOf("bob")).hasSize(1);
  }

  @Test
  void releasingALockFreesALockLimitSlot() {
    use(policies(policy(TTL, GRACE, 1, Policy.UNLIMITED, MAX_JOINS)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, FINDINGS, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);
    refused(ErrorCode.LOCK_LIMIT, store.acquire(alice.sessionId(), FINDINGS, false, false));

    await(store.release(alice.sessionId(), DIAGNOSIS));

    assertThat(acquire(alice, FINDINGS).resource()).isEqualTo(FINDINGS);
  }

  @Test
  void expiredLocksDoNotCountTowardTheLockLimit() {
    use(policies(policy(TTL, GRACE, 1, Policy.UNLIMITED, MAX_JOINS)));
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, FINDINGS, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);

    advance(TTL);

    assertThat(acquire(alice, FINDINGS).resource()).isEqualTo(FINDINGS);
  }

  @Test
  void documentLockIsRefusedWhileAnotherSessionHoldsAChild() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", REPORT_LOCK);
    acquire(alice, DIAGNOSIS);

    BatonException e = refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), REPORT_LOCK, false, false));

    assertThat(holderDetail(e).get("userId")).isEqualTo("alice");
    assertThat(e.details().get("lockResource")).isEqualTo(DIAGNOSIS.toString());
    assertThat(state(REPORT_LOCK, null).lock().held()).isFalse();
  }

  @Test
  void childIsRefusedWhileAnotherSessionHoldsTheDocumentLock() {
    Tab alice = viewer("alice", REPORT_LOCK);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, REPORT_LOCK);

    BatonException e = refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    assertThat(holderDetail(e).get("userId")).isEqualTo("alice");
    assertThat(e.details().get("lockResource")).isEqualTo("report:r1:*");
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void documentLockIsGrantedWhenNoChildIsHeld() {
    Tab alice = viewer("alice", REPORT_LOCK);
    acquire(viewer("bob", OTHER_REPORT), OTHER_REPORT); // another document does not block

    Lease lease = acquire(alice, REPORT_LOCK);

    assertThat(lease.resource()).isEqualTo(REPORT_LOCK);
  }

  @Test
  void childCanBeLockedOnceDocumentLockIsReleased() {
    Tab alice = viewer("alice", REPORT_LOCK);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, REPORT_LOCK);
    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    await(store.release(alice.sessionId(), REPORT_LOCK));

    assertThat(acquire(bob, DIAGNOSIS).resource()).isEqualTo(DIAGNOSIS);
  }

  @Test
  void childCanBeLockedOnceDocumentLockExpired() {
    Tab alice = viewer("alice", REPORT_LOCK);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, REPORT_LOCK);
    advance(TTL.minus(tick()));
    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    advance(tick());

    assertThat(acquire(bob, DIAGNOSIS).resource()).isEqualTo(DIAGNOSIS);
  }

  @Test
  void documentLockCanBeTakenOnceChildLockExpired() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", REPORT_LOCK);
    acquire(alice, DIAGNOSIS);

    advance(TTL);

    assertThat(acquire(bob, REPORT_LOCK).resource()).isEqualTo(REPORT_LOCK);
  }

  // ---------------------------------------------------------------------------------------------
  // Release

  @Test
  void releaseFreesLockAndDemotesHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = recorder.mark();

    await(store.release(alice.sessionId(), DIAGNOSIS));

    List<ResourceEvent> events = recorder.forResource(DIAGNOSIS, mark);
    assertThat(events)
        .extracting(Object::getClass)
        .containsExactly(PresenceChanged.class, LockStateChanged.class);
    assertThat(((PresenceChanged) events.get(0)).member().role()).isEqualTo(Role.VIEWER);
    assertThat(((LockStateChanged) events.get(1)).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, alice).role()).isEqualTo(Role.VIEWER);
    assertInvalid(verify(DIAGNOSIS, lease.token()), "released");
  }

  @Test
  void releaseByNonHolderFailsWithNotHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    refused(ErrorCode.NOT_HOLDER, store.release(bob.sessionId(), DIAGNOSIS));

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  @Test
  void releaseOfFreeLockFailsWithNotHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);

    refused(ErrorCode.NOT_HOLDER, store.release(alice.sessionId(), DIAGNOSIS));
  }

  @Test
  void releaseOfExpiredLockFailsWithNotHolder() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    advance(TTL);

    refused(ErrorCode.NOT_HOLDER, store.release(alice.sessionId(), DIAGNOSIS));
  }

  // ---------------------------------------------------------------------------------------------
  // Renew

  @Test
  void renewExtendsLeaseByTtl() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(6));

    Lease renewed = renew(alice, DIAGNOSIS, lease.token());

    assertThat(renewed.token()).isEqualTo(lease.token());
    assertRemaining(renewed.remainingMs(), TTL);
    assertMillis(renewed.expiresAt() - lease.expiresAt(), Duration.ofSeconds(6));
  }

  @Test
  void renewedLockExpiresExactlyTtlAfterRenewal() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(6));
    renew(alice, DIAGNOSIS, lease.token());

    advance(TTL.minus(tick()));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    advance(tick());
    assertInvalid(verify(DIAGNOSIS, lease.token()), "expired");
  }

  @Test
  void renewWithWrongTokenFailsWithLockLost() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    refused(ErrorCode.LOCK_LOST, store.renew(alice.sessionId(), DIAGNOSIS, lease.token() + 1));
    refused(ErrorCode.LOCK_LOST, store.renew(alice.sessionId(), DIAGNOSIS, lease.token() - 1));
  }

  @Test
  void renewBySessionThatDoesNotHoldTheLockFailsWithLockLost() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(6));

    refused(ErrorCode.LOCK_LOST, store.renew(bob.sessionId(), DIAGNOSIS, lease.token()));

    assertRemaining(state(DIAGNOSIS, null).lock().remainingMs(), Duration.ofSeconds(4));
  }

  @Test
  void renewAfterReleaseFailsAndDoesNotRecreateLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    await(store.release(alice.sessionId(), DIAGNOSIS));

    refused(ErrorCode.LOCK_LOST, store.renew(alice.sessionId(), DIAGNOSIS, lease.token()));

    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void renewAfterExpiryFailsAndDoesNotRecreateLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL);

    refused(ErrorCode.LOCK_LOST, store.renew(alice.sessionId(), DIAGNOSIS, lease.token()));

    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertThat(locksOf("alice")).isEmpty();
  }

  @Test
  void renewWorksOneNanosecondBeforeTtl() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL.minus(tick()));

    Lease renewed = renew(alice, DIAGNOSIS, lease.token());

    assertThat(renewed.token()).isEqualTo(lease.token());
    advance(Duration.ofSeconds(5));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Expiry

  @Test
  void lockIsValidOneNanosecondBeforeTtl() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    advance(TTL.minus(tick()));

    Verification verification = verify(DIAGNOSIS, lease.token());
    assertThat(verification.valid()).isTrue();
    assertThat(verification.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));
  }

  @Test
  void lockExpiresAtExactlyTtl() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    advance(TTL);

    assertInvalid(verify(DIAGNOSIS, lease.token()), "expired");
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    refused(ErrorCode.LOCK_LOST, store.renew(alice.sessionId(), DIAGNOSIS, lease.token()));
    Lease next = acquire(bob, DIAGNOSIS);
    assertThat(next.token()).isGreaterThan(lease.token());
  }

  @Test
  void sweepAnnouncesExpiryThenDemotionThenFreeLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL);
    int mark = recorder.mark();

    sweep();

    List<Event> events = recorder.since(mark);
    assertThat(events)
        .extracting(Object::getClass)
        .containsExactly(LockExpired.class, PresenceChanged.class, LockStateChanged.class);
    assertThat(events.get(0)).isEqualTo(new LockExpired(alice.sessionId(), DIAGNOSIS, lease.token()));
    Member demoted = ((PresenceChanged) events.get(1)).member();
    assertThat(demoted.sessionId()).isEqualTo(alice.sessionId());
    assertThat(demoted.role()).isEqualTo(Role.VIEWER);
    assertThat(((LockStateChanged) events.get(2)).lock().held()).isFalse();
  }

  @Test
  void sweepAnnouncesEachExpiryOnce() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    advance(TTL);
    sweep();
    int mark = recorder.mark();

    sweep();
    advance(TTL);
    sweep();

    assertThat(recorder.since(mark)).isEmpty();
    assertThat(recorder.ofType(LockExpired.class)).hasSize(1);
  }

  @Test
  void lazilyRetiredExpiryIsAnnouncedOnce() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL);

    acquire(bob, DIAGNOSIS);
    sweep();

    assertThat(recorder.ofType(LockExpired.class))
        .containsExactly(new LockExpired(alice.sessionId(), DIAGNOSIS, lease.token()));
  }

  @Test
  void sweepBeforeTtlExpiresNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL.minus(tick()));

    sweep();

    assertThat(recorder.ofType(LockExpired.class)).isEmpty();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  @Test
  void sweepWarnsOnceWhenRemainingFallsBelowExpiryWarning() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(TTL.minus(WARNING).minus(tick()));
    sweep();
    assertThat(recorder.ofType(LockExpiring.class)).isEmpty();

    advance(tick().multipliedBy(2));
    sweep();
    sweep();

    LockExpiring warning = single(recorder.ofType(LockExpiring.class));
    assertThat(warning.sessionId()).isEqualTo(alice.sessionId());
    assertThat(warning.lease().resource()).isEqualTo(DIAGNOSIS);
    assertThat(warning.lease().token()).isEqualTo(lease.token());
    assertThat(warning.lease().remainingMs())
        .isBetween(WARNING.toMillis() - 1000 - timingSlack().toMillis(), WARNING.toMillis());
  }

  @Test
  void renewalRearmsExpiryWarning() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    Duration intoWarning = TTL.minus(WARNING).plusSeconds(1);
    advance(intoWarning);
    sweep();
    assertThat(recorder.ofType(LockExpiring.class)).hasSize(1);

    renew(alice, DIAGNOSIS, lease.token());
    advance(intoWarning);
    sweep();

    assertThat(recorder.ofType(LockExpiring.class)).hasSize(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeat

  @Test
  void heartbeatRenewsEveryLockOfTheSession() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    Lease diagnosis = acquire(alice, DIAGNOSIS);
    Lease other = acquire(alice, OTHER_REPORT);
    advance(Duration.ofSeconds(6));

    List<Lease> leases = heartbeat(alice);

    assertThat(leases)
        .extracting(Lease::resource, Lease::token)
        .containsExactlyInAnyOrder(
            tuple(DIAGNOSIS, diagnosis.token()),
            tuple(OTHER_REPORT, other.token()));
    leases.forEach(l -> assertRemaining(l.remainingMs(), TTL));
  }

  @Test
  void heartbeatRenewsNothingOfAnotherSession() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", OTHER_REPORT);
    Lease aliceLease = acquire(alice, DIAGNOSIS);
    Lease bobLease = acquire(bob, OTHER_REPORT);
    advance(Duration.ofSeconds(6));

    heartbeat(alice);
    advance(Duration.ofSeconds(4));

    assertThat(verify(DIAGNOSIS, aliceLease.token()).valid()).isTrue();
    assertInvalid(verify(OTHER_REPORT, bobLease.token()), "expired");
  }

  @Test
  void heartbeatDoesNotRenewAnExpiredLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    advance(TTL);

    assertThat(heartbeat(alice)).isEmpty();

    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void heartbeatWithoutLocksReturnsNoLeases() {
    Tab alice = viewer("alice", DIAGNOSIS);

    assertThat(heartbeat(alice)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Verify

  @Test
  void verifyIsValidForCurrentHolderToken() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    Verification verification = verify(DIAGNOSIS, lease.token());

    assertThat(verification.valid()).isTrue();
    assertThat(verification.holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(verification.holder().userId()).isEqualTo("alice");
    assertThat(verification.lock().token()).as("a service sees the token").isEqualTo(lease.token());
  }

  @Test
  void verifyOfOlderTokenAfterNewerGrantIsSuperseded() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease old = acquire(alice, DIAGNOSIS);
    await(store.release(alice.sessionId(), DIAGNOSIS));
    Lease current = acquire(bob, DIAGNOSIS);

    assertInvalid(verify(DIAGNOSIS, old.token()), "superseded");
    assertThat(verify(DIAGNOSIS, current.token()).valid()).isTrue();
  }

  @Test
  void verifyOfNeverIssuedTokenIsUnknown() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    assertInvalid(verify(DIAGNOSIS, lease.token() + 1_000_000), "unknown");
    assertInvalid(verify(FINDINGS, lease.token()), "unknown");
  }

  @Test
  void verifyOfReleasedTokenSaysReleasedAndShowsTheFreeLock() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    await(store.release(alice.sessionId(), DIAGNOSIS));

    Verification verification = verify(DIAGNOSIS, lease.token());

    assertInvalid(verification, "released");
    assertThat(verification.lock().held()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Disconnect and grace

  @Test
  void disconnectMarksMembershipsAwayAndLockInGrace() {
    Tab alice = open("alice");
    join(alice, DIAGNOSIS, JoinMode.EDIT);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    int mark = recorder.mark();

    disconnect(alice);

    List<PresenceChanged> changes = recorder.ofType(PresenceChanged.class, mark);
    assertThat(changes).extracting(PresenceChanged::resource).containsExactlyInAnyOrder(DIAGNOSIS, OTHER_REPORT);
    assertThat(changes).allSatisfy(c -> {
      assertThat(c.member().sessionId()).isEqualTo(alice.sessionId());
      assertThat(c.member().status()).isEqualTo(MemberStatus.AWAY);
    });
    LockStateChanged grace = single(recorder.ofType(LockStateChanged.class, DIAGNOSIS, mark));
    assertThat(grace.lock().inGrace()).isTrue();
    assertThat(grace.lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().inGrace()).isTrue();
    assertThat(member(state(OTHER_REPORT, null), alice).status()).isEqualTo(MemberStatus.AWAY);
  }

  @Test
  void lockInGraceRefusesOthersWithInGrace() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    disconnect(alice);

    BatonException e = refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    assertThat(e.details().get("inGrace")).isEqualTo(Boolean.TRUE);
  }

  @Test
  void lockInGraceIsHeldUntilExactlyGraceEnds() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);

    advance(GRACE.minus(tick()));
    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();

    advance(tick());
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isFalse();
    assertThat(acquire(bob, DIAGNOSIS).token()).isGreaterThan(lease.token());
  }

  @Test
  void sweepAfterGraceFreesLockAndAnnouncesDisconnectedMember() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(GRACE);
    int mark = recorder.mark();

    sweep();

    List<PresenceLeft> left = recorder.ofType(PresenceLeft.class, mark);
    assertThat(left).extracting(PresenceLeft::resource).containsExactlyInAnyOrder(DIAGNOSIS, OTHER_REPORT);
    assertThat(left).allSatisfy(l -> {
      assertThat(l.member().sessionId()).isEqualTo(alice.sessionId());
      assertThat(l.reason()).isEqualTo(LeaveReason.DISCONNECTED);
    });
    LockStateChanged freed = single(recorder.ofType(LockStateChanged.class, DIAGNOSIS, mark));
    assertThat(freed.lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).presence().members())
        .extracting(Member::sessionId)
        .doesNotContain(alice.sessionId());
  }

  @Test
  void graceEndIsAnnouncedOnce() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(GRACE);
    sweep();
    int mark = recorder.mark();

    sweep();
    advance(GRACE);
    sweep();

    assertThat(recorder.since(mark)).isEmpty();
    assertThat(recorder.ofType(PresenceLeft.class)).hasSize(1);
  }

  @Test
  void disconnectOfStaleConnectionDoesNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    int mark = recorder.mark();

    await(store.disconnect(alice.sessionId(), "not-" + alice.connectionId()));

    assertThat(recorder.since(mark)).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().inGrace()).isFalse();
    assertThat(member(state(DIAGNOSIS, null), alice).status()).isEqualTo(MemberStatus.ONLINE);
    advance(GRACE);
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
  }

  @Test
  void graceIsPerType() {
    Policy shortGrace = policy(TTL, Duration.ofSeconds(2), MAX_LOCKS, Policy.UNLIMITED, MAX_JOINS);
    use(new Policies(policy(), Map.of("note", shortGrace)));
    ResourceId note = ResourceId.parse("note:n1:main");
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);
    acquire(alice, note);
    disconnect(alice);

    advance(Duration.ofSeconds(2));
    sweep();
    assertThat(recorder.ofType(PresenceLeft.class))
        .extracting(PresenceLeft::resource, PresenceLeft::reason)
        .containsExactly(tuple(note, LeaveReason.DISCONNECTED));
    assertThat(state(note, null).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());

    advance(GRACE.minusSeconds(2));
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void lockTtlKeepsRunningDuringGrace() {
    Policy longGrace = policy(TTL, Duration.ofSeconds(30), MAX_LOCKS, Policy.UNLIMITED, MAX_JOINS);
    use(policies(longGrace));
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    advance(Duration.ofSeconds(4));
    disconnect(alice);

    advance(TTL.minusSeconds(4).minus(tick()));
    refused(ErrorCode.LOCK_HELD, store.acquire(bob.sessionId(), DIAGNOSIS, false, false));

    advance(tick());
    assertInvalid(verify(DIAGNOSIS, lease.token()), "expired");
    acquire(bob, DIAGNOSIS);
    assertThat(member(state(DIAGNOSIS, null), alice).status()).isEqualTo(MemberStatus.AWAY);
  }

  // ---------------------------------------------------------------------------------------------
  // Resume

  @Test
  void resumeWithinGraceRestoresSessionWithSameToken() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(Duration.ofSeconds(3));
    int mark = recorder.mark();

    SessionGrant grant = resume(alice.principal(), alice.resumeToken());

    assertThat(grant.resumed()).isTrue();
    assertThat(grant.sessionId()).isEqualTo(alice.sessionId());
    assertThat(grant.resumeToken()).isNotBlank().isNotEqualTo(alice.resumeToken());
    List<PresenceChanged> changes = recorder.ofType(PresenceChanged.class, mark);
    assertThat(changes).extracting(PresenceChanged::resource).containsExactlyInAnyOrder(DIAGNOSIS, OTHER_REPORT);
    assertThat(changes).allSatisfy(c -> assertThat(c.member().status()).isEqualTo(MemberStatus.ONLINE));
    LockState lock = state(DIAGNOSIS, alice).lock();
    assertThat(lock.token()).isEqualTo(lease.token());
    assertThat(lock.inGrace()).isFalse();
  }

  @Test
  void resumedSessionKeepsItsLockPastTheGrace() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(Duration.ofSeconds(3));
    resume(alice.principal(), alice.resumeToken());

    advance(GRACE);

    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
    assertThat(member(state(DIAGNOSIS, null), alice).status()).isEqualTo(MemberStatus.ONLINE);
  }

  @Test
  void resumeWelcomeListsMembershipsAsTheSessionSeesThem() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    join(bob, OTHER_REPORT, JoinMode.VIEW);
    acquire(alice, DIAGNOSIS);
    Lease bobLease = acquire(bob, OTHER_REPORT);
    disconnect(bob);

    SessionGrant grant = resume(bob.principal(), bob.resumeToken());

    Map<ResourceId, ResourceState> resources =
        grant.resources().stream().collect(Collectors.toMap(ResourceState::resource, s -> s));
    assertThat(resources.keySet()).containsExactlyInAnyOrder(DIAGNOSIS, OTHER_REPORT);
    assertThat(resources.get(DIAGNOSIS).role()).isEqualTo(Role.VIEWER);
    assertThat(resources.get(DIAGNOSIS).lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(resources.get(DIAGNOSIS).lock().token()).as("alice's token").isNull();
    assertThat(resources.get(OTHER_REPORT).role()).isEqualTo(Role.EDITOR);
    assertThat(resources.get(OTHER_REPORT).lock().token()).isEqualTo(bobLease.token());
  }

  @Test
  void resumeTokenIsSingleUse() {
    Tab alice = viewer("alice", DIAGNOSIS);
    disconnect(alice);
    SessionGrant first = resume(alice.principal(), alice.resumeToken());

    SessionGrant again = resume(alice.principal(), alice.resumeToken());

    assertThat(again.resumed()).isFalse();
    assertThat(again.sessionId()).isNotEqualTo(alice.sessionId());
    assertThat(again.resources()).isEmpty();
    assertThat(first.resumeToken()).isNotEqualTo(alice.resumeToken());
  }

  @Test
  void newResumeTokenResumesAgain() {
    Tab alice = viewer("alice", DIAGNOSIS);
    disconnect(alice);
    SessionGrant first = await(store.resumeSession(alice.principal(), alice.resumeToken(), "conn-resumed-1"));
    await(store.disconnect(alice.sessionId(), "conn-resumed-1"));

    SessionGrant second = await(store.resumeSession(alice.principal(), first.resumeToken(), "conn-resumed-2"));

    assertThat(second.resumed()).isTrue();
    assertThat(second.sessionId()).isEqualTo(alice.sessionId());
  }

  @Test
  void resumeWithAnotherUsersTokenOpensNewSessionAndSparesTheVictim() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);

    SessionGrant stolen = resume(principal("mallory"), alice.resumeToken());

    assertThat(stolen.resumed()).isFalse();
    assertThat(stolen.sessionId()).isNotEqualTo(alice.sessionId());
    assertThat(stolen.resources()).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().holder().sessionId()).isEqualTo(alice.sessionId());
    assertThat(member(state(DIAGNOSIS, null), alice).status()).isEqualTo(MemberStatus.AWAY);
    SessionGrant own = resume(alice.principal(), alice.resumeToken());
    assertThat(own.resumed()).isTrue();
    assertThat(own.sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, alice).lock().token()).isEqualTo(lease.token());
  }

  @Test
  void resumeOfConnectedSessionReplacesItsConnection() {
    Tab alice = viewer("alice", DIAGNOSIS);
    int mark = recorder.mark();

    SessionGrant grant = await(store.resumeSession(alice.principal(), alice.resumeToken(), "conn-new"));

    assertThat(grant.resumed()).isTrue();
    assertThat(grant.sessionId()).isEqualTo(alice.sessionId());
    assertThat(recorder.ofType(SessionAttached.class, mark))
        .containsExactly(new SessionAttached(alice.sessionId(), "conn-new", List.of(DIAGNOSIS)));
  }

  @Test
  void oldConnectionClosingAfterResumeChangesNothing() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    await(store.resumeSession(alice.principal(), alice.resumeToken(), "conn-new"));
    int mark = recorder.mark();

    disconnect(alice);

    assertThat(recorder.since(mark)).isEmpty();
    assertThat(member(state(DIAGNOSIS, null), alice).status()).isEqualTo(MemberStatus.ONLINE);
    assertThat(state(DIAGNOSIS, null).lock().inGrace()).isFalse();
  }

  @Test
  void resumeAfterGraceOpensNewSession() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(GRACE);

    SessionGrant grant = resume(alice.principal(), alice.resumeToken());

    assertThat(grant.resumed()).isFalse();
    assertThat(grant.sessionId()).isNotEqualTo(alice.sessionId());
    assertThat(grant.resources()).isEmpty();
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
  }

  @Test
  void resumeOneNanosecondBeforeGraceEndsStillResumes() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(GRACE.minus(tick()));

    SessionGrant grant = resume(alice.principal(), alice.resumeToken());

    assertThat(grant.resumed()).isTrue();
    assertThat(verify(DIAGNOSIS, lease.token()).valid()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // End session and leave

  @Test
  void endSessionReleasesLocksAtOnceWithReasonBye() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = recorder.mark();

    await(store.endSession(alice.sessionId()));

    List<PresenceLeft> left = recorder.ofType(PresenceLeft.class, mark);
    assertThat(left).extracting(PresenceLeft::resource).containsExactlyInAnyOrder(DIAGNOSIS, OTHER_REPORT);
    assertThat(left).allSatisfy(l -> assertThat(l.reason()).isEqualTo(LeaveReason.BYE));
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertInvalid(verify(DIAGNOSIS, lease.token()), "released");
    assertThat(acquire(bob, DIAGNOSIS).token()).isGreaterThan(lease.token());
  }

  @Test
  void endedSessionCannotBeResumed() {
    Tab alice = viewer("alice", DIAGNOSIS);
    await(store.endSession(alice.sessionId()));

    SessionGrant grant = resume(alice.principal(), alice.resumeToken());

    assertThat(grant.resumed()).isFalse();
    assertThat(grant.sessionId()).isNotEqualTo(alice.sessionId());
  }

  @Test
  void endSessionAnnouncesSessionEndedOnceAfterItsMemberships() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    int mark = recorder.mark();

    await(store.endSession(alice.sessionId()));
    await(store.endSession(alice.sessionId()));
    sweep();

    List<Event> events = recorder.since(mark);
    assertThat(recorder.ofType(SessionEnded.class, mark))
        .containsExactly(new SessionEnded(alice.sessionId(), "alice", LeaveReason.BYE));
    int ended = events.indexOf(new SessionEnded(alice.sessionId(), "alice", LeaveReason.BYE));
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof PresenceLeft l && l.member().sessionId().equals(alice.sessionId())) {
        assertThat(i).as("presence.left of %s before the session ends", l.resource()).isLessThan(ended);
      }
    }
    assertThat(recorder.ofType(PresenceLeft.class, mark)).hasSize(2);
  }

  @Test
  void graceEndAnnouncesSessionEndedOnceWithReasonDisconnected() {
    Tab alice = viewer("alice", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    disconnect(alice);
    advance(GRACE.minus(NANO));
    sweep();
    assertThat(recorder.ofType(SessionEnded.class)).isEmpty();
    int mark = recorder.mark();

    advance(NANO);
    sweep();
    advance(GRACE);
    sweep();

    List<Event> events = recorder.since(mark);
    assertThat(recorder.ofType(SessionEnded.class))
        .containsExactly(new SessionEnded(alice.sessionId(), "alice", LeaveReason.DISCONNECTED));
    PresenceLeft left = single(recorder.ofType(PresenceLeft.class, mark));
    assertThat(left.reason()).isEqualTo(LeaveReason.DISCONNECTED);
    assertThat(events.indexOf(left))
        .isLessThan(events.indexOf(new SessionEnded(alice.sessionId(), "alice", LeaveReason.DISCONNECTED)));
  }

  @Test
  void sessionWithoutMembershipsEndsWhenTheDefaultGraceRunsOut() {
    Tab alice = open("alice");
    disconnect(alice);
    advance(GRACE.minus(NANO));
    sweep();
    assertThat(recorder.ofType(SessionEnded.class)).isEmpty();

    advance(NANO);
    sweep();
    sweep();

    assertThat(recorder.ofType(SessionEnded.class))
        .containsExactly(new SessionEnded(alice.sessionId(), "alice", LeaveReason.DISCONNECTED));
  }

  @Test
  void resumeAfterGraceEndsTheOldSessionOnce() {
    Tab alice = viewer("alice", DIAGNOSIS);
    disconnect(alice);
    advance(GRACE);

    SessionGrant grant = resume(alice.principal(), alice.resumeToken());
    sweep();

    assertThat(grant.resumed()).isFalse();
    assertThat(recorder.ofType(SessionEnded.class))
        .containsExactly(new SessionEnded(alice.sessionId(), "alice", LeaveReason.DISCONNECTED));
  }

  @Test
  void resumedOrConnectedSessionsDoNotEnd() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    disconnect(alice);
    advance(GRACE.minus(NANO));
    resume(alice.principal(), alice.resumeToken());

    advance(GRACE.multipliedBy(3));
    sweep();
    await(store.leave(bob.sessionId(), DIAGNOSIS));

    assertThat(recorder.ofType(SessionEnded.class)).isEmpty();
  }

  @Test
  void leaveReleasesLockAndRemovesMember() {
    Tab alice = viewer("alice", DIAGNOSIS);
    viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = recorder.mark();

    await(store.leave(alice.sessionId(), DIAGNOSIS));

    PresenceLeft left = single(recorder.ofType(PresenceLeft.class, mark));
    assertThat(left.reason()).isEqualTo(LeaveReason.LEFT);
    assertThat(left.member().sessionId()).isEqualTo(alice.sessionId());
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    assertThat(state(DIAGNOSIS, null).presence().members()).extracting(Member::userId).containsExactly("bob");
    assertInvalid(verify(DIAGNOSIS, lease.token()), "released");
  }

  @Test
  void leaveIsIdempotent() {
    Tab alice = viewer("alice", DIAGNOSIS);
    await(store.leave(alice.sessionId(), DIAGNOSIS));
    int mark = recorder.mark();

    await(store.leave(alice.sessionId(), DIAGNOSIS));
    await(store.leave(alice.sessionId(), FINDINGS));

    assertThat(recorder.since(mark)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // State, document, locksOf

  @Test
  void untouchedResourceIsFreeAndEmpty() {
    ResourceState state = state(DIAGNOSIS, null);

    assertThat(state.resource()).isEqualTo(DIAGNOSIS);
    assertThat(state.lock().held()).isFalse();
    assertThat(state.presence().members()).isEmpty();
  }

  @Test
  void stateShowsTokenOnlyToHolderAndServices() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    Lease lease = acquire(alice, DIAGNOSIS);

    ResourceState asHolder = state(DIAGNOSIS, alice);
    ResourceState asOther = state(DIAGNOSIS, bob);
    ResourceState asService = state(DIAGNOSIS, null);

    assertThat(asHolder.lock().token()).isEqualTo(lease.token());
    assertThat(asHolder.role()).isEqualTo(Role.EDITOR);
    assertThat(asOther.lock().token()).isNull();
    assertThat(asOther.lock().holder().userId()).isEqualTo("alice");
    assertThat(asOther.role()).isEqualTo(Role.VIEWER);
    assertThat(asService.lock().token()).isEqualTo(lease.token());
    assertThat(asService.role()).isNull();
    assertThat(asService.presence().members())
        .extracting(Member::sessionId)
        .containsExactly(alice.sessionId(), bob.sessionId());
  }

  @Test
  void presenceVersionIncreasesByOnePerPresenceEvent() {
    long before = state(DIAGNOSIS, null).presence().version();
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob = viewer("bob", DIAGNOSIS);
    acquire(alice, DIAGNOSIS);
    await(store.release(alice.sessionId(), DIAGNOSIS));
    acquire(bob, DIAGNOSIS);
    disconnect(bob);
    await(store.leave(alice.sessionId(), DIAGNOSIS));

    List<Long> versions = recorder.forResource(DIAGNOSIS).stream()
        .map(StoreContract::presenceVersion)
        .filter(Objects::nonNull)
        .toList();
    assertThat(versions).isNotEmpty();
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i)).as("presence event %d of %s", i, versions).isEqualTo(before + 1 + i);
    }
    assertThat(state(DIAGNOSIS, null).presence().version()).isEqualTo(before + versions.size());
  }

  @Test
  void documentListsChildrenWithState() {
    Tab alice = viewer("alice", DIAGNOSIS);
    viewer("bob", FINDINGS);
    viewer("carol", OTHER_REPORT);
    Lease lease = acquire(alice, DIAGNOSIS);

    List<ResourceState> children = await(store.document("report", "r1"));

    Map<ResourceId, ResourceState> byId =
        children.stream().collect(Collectors.toMap(ResourceState::resource, s -> s));
    assertThat(byId.keySet()).containsExactlyInAnyOrder(DIAGNOSIS, FINDINGS);
    assertThat(byId.get(DIAGNOSIS).lock().token()).isEqualTo(lease.token());
    assertThat(byId.get(FINDINGS).lock().held()).isFalse();
    assertThat(byId.get(FINDINGS).presence().members()).extracting(Member::userId).containsExactly("bob");
  }

  @Test
  void locksOfListsTheUsersHeldLocks() {
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, OTHER_REPORT, JoinMode.VIEW);
    Tab bob = viewer("bob", FINDINGS);
    Lease diagnosis = acquire(alice, DIAGNOSIS);
    Lease other = acquire(alice, OTHER_REPORT);
    acquire(bob, FINDINGS);

    List<ResourceLock> locks = locksOf("alice");

    assertThat(locks)
        .extracting(ResourceLock::resource, l -> l.lock().token())
        .containsExactlyInAnyOrder(
            tuple(DIAGNOSIS, diagnosis.token()),
            tuple(OTHER_REPORT, other.token()));
    await(store.release(alice.sessionId(), DIAGNOSIS));
    assertThat(locksOf("alice")).extracting(ResourceLock::resource).containsExactly(OTHER_REPORT);
    assertThat(locksOf("nobody")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Fencing and policies

  @Test
  void tokensIncreaseAcrossGrantsTakeOwnAndExpiry() {
    Tab alice = viewer("alice", DIAGNOSIS);
    Tab bob1 = viewer("bob", DIAGNOSIS);
    Tab bob2 = viewer("bob", DIAGNOSIS);
    List<Long> tokens = new ArrayList<>();

    tokens.add(acquire(alice, DIAGNOSIS).token());
    await(store.release(alice.sessionId(), DIAGNOSIS));
    tokens.add(acquire(bob1, DIAGNOSIS).token());
    tokens.add(takeOwn(bob2, DIAGNOSIS).token());
    advance(TTL);
    tokens.add(acquire(alice, DIAGNOSIS).token());
    advance(TTL);
    sweep();
    tokens.add(acquire(alice, DIAGNOSIS).token());

    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void perTypePolicyDecidesTheTtl() {
    Policy longTtl = policy(Duration.ofSeconds(20), GRACE, MAX_LOCKS, Policy.UNLIMITED, MAX_JOINS);
    use(new Policies(policy(), Map.of("note", longTtl)));
    ResourceId note = ResourceId.parse("note:n1:main");
    Tab alice = viewer("alice", DIAGNOSIS);
    join(alice, note, JoinMode.VIEW);
    Lease report = acquire(alice, DIAGNOSIS);
    Lease noteLease = acquire(alice, note);

    assertRemaining(noteLease.remainingMs(), Duration.ofSeconds(20));
    advance(TTL);
    assertInvalid(verify(DIAGNOSIS, report.token()), "expired");
    assertThat(verify(note, noteLease.token()).valid()).isTrue();
    advance(Duration.ofSeconds(10));
    assertInvalid(verify(note, noteLease.token()), "expired");
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  void concurrentAcquireAndReleaseNeverGrantTwoHolders() throws Exception {
    int threads = 50;
    int rounds = 1000;
    List<Tab> tabs = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      tabs.add(viewer("racer" + i, DIAGNOSIS));
    }

    List<Integer> granted =
        race(tabs, tab -> {
          int mine = 0;
          for (int r = 0; r < rounds; r++) {
            if (tryAcquire(tab, DIAGNOSIS, ErrorCode.LOCK_HELD) != null) {
              mine++;
              await(store.release(tab.sessionId(), DIAGNOSIS));
            }
          }
          return mine;
        });

    int total = granted.stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isPositive();
    assertThat(state(DIAGNOSIS, null).lock().held()).isFalse();
    long announcedGrants = recorder.ofType(LockStateChanged.class, DIAGNOSIS, 0).stream()
        .filter(e -> e.lock().held())
        .map(e -> e.lock().token())
        .distinct()
        .count();
    assertThat(announcedGrants).as("distinct granted tokens").isEqualTo(total);
  }

  @Test
  void concurrentAcquiresByOneUserNeverExceedTheLockLimit() throws Exception {
    int children = 20;
    for (int doc = 0; doc < 10; doc++) {
      List<Tab> tabs = new ArrayList<>();
      Map<Tab, ResourceId> target = new HashMap<>();
      for (int i = 0; i < children; i++) {
        ResourceId child = ResourceId.parse("report:race" + doc + ":c" + i);
        Tab tab = viewer("alice", child);
        tabs.add(tab);
        target.put(tab, child);
      }

      List<Integer> granted =
          race(tabs, tab -> tryAcquire(tab, target.get(tab), ErrorCode.LOCK_LIMIT) == null ? 0 : 1);

      int total = granted.stream().mapToInt(Integer::intValue).sum();
      String document = "report:race" + doc;
      long held = locksOf("alice").stream()
          .filter(l -> l.resource().document().equals(document))
          .count();
      assertThat(total).as("grants in %s", document).isEqualTo(MAX_LOCKS);
      assertThat(held).as("locks held in %s", document).isEqualTo(MAX_LOCKS);
    }
  }

  @Test
  void documentLockAndChildLocksNeverOverlapUnderContention() throws Exception {
    List<ResourceId> children = List.of(DIAGNOSIS, FINDINGS, SUMMARY);
    List<Tab> tabs = new ArrayList<>();
    Map<Tab, ResourceId> target = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      ResourceId resource = i % 4 == 0 ? REPORT_LOCK : children.get(i % 3);
      Tab tab = viewer("user" + i, resource);
      tabs.add(tab);
      target.put(tab, resource);
    }

    race(tabs, tab -> {
      int mine = 0;
      for (int r = 0; r < 300; r++) {
        if (tryAcquire(tab, target.get(tab), ErrorCode.LOCK_HELD) != null) {
          mine++;
          await(store.release(tab.sessionId(), target.get(tab)));
        }
      }
      return mine;
    });

    assertThat(state(REPORT_LOCK, null).lock().held()).isFalse();
    for (ResourceId child : children) {
      assertThat(state(child, null).lock().held()).as("%s at the end", child).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** One browser tab: a session of {@code principal} on connection {@code connectionId}. */
  protected record Tab(Principal principal, String sessionId, String connectionId, String resumeToken) {}

  /** Work one racing thread does with its tab; returns a count. */
  @FunctionalInterface
  protected interface RaceWork {
    int run(Tab tab) throws Exception;
  }

  /** The store under test. */
  protected final Store store() {
    return store;
  }

  /** What the store under test announced. */
  protected final EventRecorder recorder() {
    return recorder;
  }

  /** Replaces the store under test with a fresh one using {@code policies}, and a fresh recorder. */
  protected final void use(Policies policies) {
    recorder = new EventRecorder();
    store = newStore(policies, recorder);
  }

  /** The test default: TTL 10 s, heartbeat 3 s, grace 5 s, warning 4 s, 3 locks per document. */
  protected static Policy policy() {
    return policy(TTL, GRACE, MAX_LOCKS, Policy.UNLIMITED, MAX_JOINS);
  }

  protected static Policy policy(
      Duration lockTtl, Duration grace, int maxLocks, int maxViewers, int maxJoins) {
    return new Policy(
        lockTtl, HEARTBEAT, grace, WARNING, maxLocks, maxViewers, maxJoins, Conflict.DENY,
        TakeoverPolicy.DEFAULT);
  }

  protected static Policies policies(Policy defaults) {
    return new Policies(defaults, Map.of());
  }

  protected static String nameOf(String userId) {
    return "Dr. " + userId;
  }

  protected static Principal principal(String userId) {
    return new Principal(userId, nameOf(userId), Set.of(), AccessRules.uniform(Access.EDIT));
  }

  /** Opens a session for {@code userId} on a new connection. */
  protected final Tab open(String userId) {
    Principal principal = principal(userId);
    String connectionId = "conn-" + connections.incrementAndGet();
    SessionGrant grant = await(store.openSession(principal, connectionId));
    return new Tab(principal, grant.sessionId(), connectionId, grant.resumeToken());
  }

  /** Opens a session for {@code userId} and joins {@code resource} as a viewer. */
  protected final Tab viewer(String userId, ResourceId resource) {
    Tab tab = open(userId);
    join(tab, resource, JoinMode.VIEW);
    return tab;
  }

  protected final JoinResult join(Tab tab, ResourceId resource, JoinMode mode) {
    return await(store.join(tab.sessionId(), resource, mode, true));
  }

  protected final Lease acquire(Tab tab, ResourceId resource) {
    return observed(tab, granted(await(store.acquire(tab.sessionId(), resource, false, false))));
  }

  protected final Lease takeOwn(Tab tab, ResourceId resource) {
    return observed(tab, granted(await(store.acquire(tab.sessionId(), resource, true, false))));
  }

  /** Acquires, or returns null when refused with {@code expected}; any other refusal propagates. */
  protected final Lease tryAcquire(Tab tab, ResourceId resource, ErrorCode expected) {
    try {
      return acquire(tab, resource);
    } catch (BatonException e) {
      if (e.code() != expected) {
        throw e;
      }
      return null;
    }
  }

  protected final Lease renew(Tab tab, ResourceId resource, long token) {
    return observed(tab, await(store.renew(tab.sessionId(), resource, token)));
  }

  protected final List<Lease> heartbeat(Tab tab) {
    List<Lease> leases = await(store.heartbeat(tab.sessionId()));
    leases.forEach(l -> observed(tab, l));
    return leases;
  }

  protected final void disconnect(Tab tab) {
    await(store.disconnect(tab.sessionId(), tab.connectionId()));
  }

  /** Resumes on a new connection. */
  protected final SessionGrant resume(Principal principal, String resumeToken) {
    String connectionId = "conn-" + connections.incrementAndGet();
    return await(store.resumeSession(principal, resumeToken, connectionId));
  }

  protected final ResourceState state(ResourceId resource, Tab viewer) {
    return await(store.state(resource, viewer == null ? null : viewer.sessionId()));
  }

  protected final Verification verify(ResourceId resource, long token) {
    return await(store.verify(resource, token));
  }

  protected final List<ResourceLock> locksOf(String userId) {
    return await(store.locksOf(userId));
  }

  protected final void sweep() {
    await(store.sweep());
  }

  private Lease observed(Tab tab, Lease lease) {
    recorder.observe(tab.sessionId(), lease);
    return lease;
  }

  /**
   * Runs {@code work} for every tab on its own thread, all released at once by a start gate, and
   * returns each thread's count in tab order.
   */
  protected final List<Integer> race(List<Tab> tabs, RaceWork work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tabs.size());
    CountDownLatch ready = new CountDownLatch(tabs.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (Tab tab : tabs) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          start.await();
          return work.run(tab);
        }));
      }
      assertThat(ready.await(AWAIT_SECONDS, TimeUnit.SECONDS)).as("racers ready").isTrue();
      start.countDown();
      List<Integer> counts = new ArrayList<>();
      for (Future<Integer> future : futures) {
        try {
          counts.add(future.get(5, TimeUnit.MINUTES));
        } catch (ExecutionException e) {
          throw new AssertionError("a racing thread failed: " + e.getCause(), e.getCause());
        }
      }
      return counts;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits for {@code stage} and returns its value; a refusal is rethrown as the store's {@link
   * BatonException}, unwrapped from its {@link CompletionException}.
   */
  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      while ((cause instanceof CompletionException || cause instanceof ExecutionException)
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new AssertionError("the store failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the store", e);
    } catch (TimeoutException e) {
      throw new AssertionError("the store did not answer within " + AWAIT_SECONDS + " s", e);
    }
  }

  /** Asserts that {@code stage} is refused with {@code code} and returns the refusal. */
  /** The lease of a granted acquire; fails the test for any other outcome. */
  protected static Lease granted(AcquireResult result) {
    assertThat(result).as("acquire outcome").isInstanceOf(AcquireResult.Granted.class);
    return ((AcquireResult.Granted) result).lease();
  }

  protected static BatonException refused(ErrorCode code, CompletionStage<?> stage) {
    try {
      Object value = await(stage);
      return fail("expected %s, but the store answered %s", code, value);
    } catch (BatonException e) {
      assertThat(e.code()).as("refusal code (%s)", e.getMessage()).isEqualTo(code);
      return e;
    }
  }

  protected static void assertInvalid(Verification verification, String reason) {
    assertThat(verification.valid()).as("valid").isFalse();
    assertThat(verification.reason()).as("reason").isEqualTo(reason);
  }

  /** Asserts a remaining time in milliseconds, within {@link #timingSlack}. */
  protected final void assertRemaining(Long actualMs, Duration expected) {
    assertThat(actualMs).as("remainingMs").isNotNull();
    assertMillis(actualMs, expected);
  }

  protected final void assertMillis(long actualMs, Duration expected) {
    long slack = timingSlack().toMillis();
    assertThat(actualMs).isBetween(expected.toMillis() - slack, expected.toMillis() + slack);
  }

  protected static Map<?, ?> holderDetail(BatonException e) {
    Object holder = e.details().get("holder");
    assertThat(holder).as("holder detail of %s", e.details()).isInstanceOf(Map.class);
    return (Map<?, ?>) holder;
  }

  protected static long number(BatonException e, String key) {
    Object value = e.details().get(key);
    assertThat(value).as("detail %s of %s", key, e.details()).isInstanceOf(Number.class);
    return ((Number) value).longValue();
  }

  protected static Member member(ResourceState state, Tab tab) {
    return state.presence().members().stream()
        .filter(m -> m.sessionId().equals(tab.sessionId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(tab.sessionId() + " is not a member of " + state));
  }

  protected static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private static Member lastPresenceOf(List<ResourceEvent> events, Tab tab) {
    Member last = null;
    for (ResourceEvent event : events) {
      Member member = presenceMember(event);
      if (member != null && member.sessionId().equals(tab.sessionId())) {
        last = member;
      }
    }
    assertThat(last).as("presence events of %s", tab.sessionId()).isNotNull();
    return last;
  }

  private static Member presenceMember(ResourceEvent event) {
    if (event instanceof PresenceJoined e) {
      return e.member();
    }
    if (event instanceof PresenceChanged e) {
      return e.member();
    }
    if (event instanceof PresenceLeft e) {
      return e.member();
    }
    return null;
  }

  private static Long presenceVersion(ResourceEvent event) {
    if (event instanceof PresenceJoined e) {
      return e.version();
    }
    if (event instanceof PresenceChanged e) {
      return e.version();
    }
    if (event instanceof PresenceLeft e) {
      return e.version();
    }
    return null;
  }

  /**
   * Replays a store's announcements and lists every broken guarantee: two sessions holding one
   * resource (or a child and its document lock) without the first lock having been freed, expired
   * or revoked in between, a grant whose token is not above every earlier token of its resource, a
   * held lock announced without its token, and a lease returned by a call that was never announced
   * as that session's lock.
   *
   * <p>An end announced right after the conflicting grant, before the next lock change of the
   * granted resource, counts as "in between": it belongs to the same atomic step.
   */
  static final class InvariantChecker {

    private record Held(String sessionId, long token) {}

    private record Grant(ResourceId resource, long token) {}

    private final List<Event> events;
    private final Map<ResourceId, Held> current = new HashMap<>();
    private final Map<ResourceId, Long> maxToken = new HashMap<>();
    private final Map<Grant, String> grantedTo = new HashMap<>();
    private final List<String> violations = new ArrayList<>();

    private InvariantChecker(List<Event> events) {
      this.events = events;
    }

    static List<String> check(List<Event> events, List<EventRecorder.ObservedLease> leases) {
      InvariantChecker checker = new InvariantChecker(events);
      for (int i = 0; i < events.size(); i++) {
        checker.replay(i);
      }
      checker.checkLeases(leases);
      return checker.violations.size() > 20
          ? List.copyOf(checker.violations.subList(0, 20))
          : List.copyOf(checker.violations);
    }

    private void replay(int i) {
      Event event = events.get(i);
      if (event instanceof LockExpired e) {
        ended(e.resource(), e.token());
      } else if (event instanceof LockRevoked e) {
        ended(e.resource(), e.token());
      } else if (event instanceof LockStateChanged e) {
        lockChanged(i, e);
      }
    }

    private void ended(ResourceId resource, long token) {
      Held held = current.get(resource);
      if (held != null && held.token() == token) {
        current.remove(resource);
      }
    }

    private void lockChanged(int i, LockStateChanged e) {
      ResourceId resource = e.resource();
      LockState lock = e.lock();
      if (!lock.held()) {
        current.remove(resource);
        return;
      }
      if (lock.token() == null) {
        violations.add("#" + i + " " + e + ": a held lock announced without its token");
        return;
      }
      Held next = new Held(lock.holder().sessionId(), lock.token());
      Held prev = current.get(resource);
      if (next.equals(prev)) {
        return; // renewal, grace or queue change of the same grant
      }
      if (prev != null && !prev.sessionId().equals(next.sessionId())
          && !endsBeforeNextChange(i, resource, prev, resource)) {
        violations.add("#" + i + " " + resource + " granted to " + next + " while held by " + prev);
      }
      Long max = maxToken.get(resource);
      if (max != null && next.token() <= max) {
        violations.add("#" + i + " " + resource + " granted token " + next.token()
            + " not above earlier token " + max);
      }
      maxToken.merge(resource, next.token(), Math::max);
      String earlier = grantedTo.putIfAbsent(new Grant(resource, next.token()), next.sessionId());
      if (earlier != null && !earlier.equals(next.sessionId())) {
        violations.add("#" + i + " " + resource + " token " + next.token()
            + " announced for sessions " + earlier + " and " + next.sessionId());
      }
      checkHierarchy(i, resource, next);
      current.put(resource, next);
    }

    private void checkHierarchy(int i, ResourceId resource, Held next) {
      for (Map.Entry<ResourceId, Held> entry : current.entrySet()) {
        ResourceId other = entry.getKey();
        Held held = entry.getValue();
        boolean related = other.document().equals(resource.document())
            && !other.equals(resource)
            && (other.isDocumentLock() || resource.isDocumentLock());
        if (related && !held.sessionId().equals(next.sessionId())
            && !endsBeforeNextChange(i, other, held, resource)) {
          violations.add("#" + i + " " + resource + " granted to " + next + " while " + other
              + " is held by " + held);
        }
      }
    }

    /**
     * Whether {@code held} on {@code resource} is announced as ended after event {@code i} and
     * before the next lock change of {@code window}.
     */
    private boolean endsBeforeNextChange(int i, ResourceId resource, Held held, ResourceId window) {
      for (int j = i + 1; j < events.size(); j++) {
        Event event = events.get(j);
        if (event instanceof LockExpired e && e.resource().equals(resource) && e.token() == held.token()) {
          return true;
        }
        if (event instanceof LockRevoked e && e.resource().equals(resource) && e.token() == held.token()) {
          return true;
        }
        if (event instanceof LockStateChanged e && e.resource().equals(resource) && !window.equals(resource)
            && (!e.lock().held() || !Objects.equals(e.lock().token(), held.token()))) {
          return true;
        }
        if (event instanceof LockStateChanged e && e.resource().equals(window)) {
          return false;
        }
      }
      return false;
    }

    private void checkLeases(List<EventRecorder.ObservedLease> leases) {
      for (EventRecorder.ObservedLease observed : leases) {
        Lease lease = observed.lease();
        String announced = grantedTo.get(new Grant(lease.resource(), lease.token()));
        if (!observed.sessionId().equals(announced)) {
          violations.add("lease " + lease + " returned to " + observed.sessionId()
              + " but its grant was announced for " + announced);
        }
      }
    }
  }
}
