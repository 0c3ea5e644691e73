package dev.baton.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.Hub;
import dev.baton.core.engine.Roles;
import dev.baton.core.engine.Subscriber;
import dev.baton.core.event.Event;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.fencing.MemoryFencingCounter;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.model.Lease;
import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverMode;
import dev.baton.core.policy.TakeoverPolicy;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.memory.MemoryStore;
import dev.baton.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The audit trail of the engine and the {@link AuditingSink} over the memory store: which records a
 * scenario writes, in which order, with which fields, and that each is written before the store's
 * event reaches the hub and before the engine's stage completes.
 */
class AuditTrailTest {

  private static final Duration TTL = Duration.ofMinutes(2);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration TAKEOVER = Duration.ofSeconds(30);
  private static final ResourceId DIAGNOSIS = ResourceId.parse("report:r1:diagnosis");
  private static final ResourceId QUEUED = ResourceId.parse("ward:w1:beds");

  /** Records, and for each event the hub got, how many records had been written by then. */
  private final List<AuditRecord> records = new ArrayList<>();
  private final List<Integer> recordsWhenHubGotGrant = new ArrayList<>();
  private final FakeClock clock = FakeClock.nearOverflow();
  private final AtomicInteger connections = new AtomicInteger();
  private final MemoryStore store;
  private final Engine engine;

  AuditTrailTest() {
    Policy defaults = new Policy(TTL, Duration.ofSeconds(30), GRACE, Duration.ofSeconds(10), 5,
        Policy.UNLIMITED, 200, Conflict.DENY, new TakeoverPolicy(TakeoverMode.REQUEST, TAKEOVER, false));
    Policy queue = new Policy(TTL, Duration.ofSeconds(30), GRACE, Duration.ofSeconds(10), 5,
        Policy.UNLIMITED, 200, Conflict.QUEUE, TakeoverPolicy.DEFAULT);
    Policies policies = new Policies(defaults, Map.of("ward", queue));
    Hub hub = new Hub();
    AuditTrail trail = records::add;
    store = new MemoryStore(clock, policies, new MemoryFencingCounter(0),
        new AuditingSink(event -> {
          if (event instanceof LockStateChanged c && c.lock().held()) {
            recordsWhenHubGotGrant.add(records.size());
          }
          hub.publish(event);
        }, trail));
    engine = new Engine(store, policies, hub, new Roles("admin", "emergency"), trail);
  }

  private record Tab(Principal principal, String sessionId, String resumeToken, String connectionId) {}

  private static Principal user(String userId, String... roles) {
    return new Principal(userId, "Dr. " + userId, Set.of(roles), AccessRules.uniform(Access.EDIT));
  }

  private Tab hello(Principal p) {
    String connectionId = "c" + connections.incrementAndGet();
    SessionGrant g = done(engine.hello(p, null, subscriber(connectionId)));
    return new Tab(p, g.sessionId(), g.resumeToken(), connectionId);
  }

  private static Subscriber subscriber(String connectionId) {
    return new Subscriber() {
      @Override
      public String connectionId() {
        return connectionId;
      }

      @Override
      public void deliver(Event event) {}
    };
  }

  private static <T> T done(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static void refused(CompletionStage<?> stage) {
    assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
  }

  private Lease acquire(Tab tab, ResourceId r) {
    return ((AcquireResult.Granted) done(engine.acquire(tab.principal(), tab.sessionId(), r, false, false))).lease();
  }

  private static Tuple row(AuditEvent event, ResourceId resource, Tab tab, Long token, String actor, String reason) {
    return tuple(event, resource, tab == null ? null : tab.principal().userId(),
        tab == null ? null : tab.sessionId(), token, actor, reason);
  }

  private List<Tuple> rows(int from) {
    return records.subList(from, records.size()).stream()
        .map(r -> tuple(r.event(), r.resource(), r.userId(), r.sessionId(), r.token(), r.actor(), r.reason()))
        .toList();
  }

  @Test
  void aSessionsLifeIsRecordedInOrderWithoutRenewals() {
    Tab alice = hello(user("alice"));
    Tab bob = hello(user("bob"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    long token = done(engine.sync(alice.sessionId(), DIAGNOSIS)).lock().token();
    done(engine.join(bob.principal(), bob.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    refused(engine.acquire(bob.principal(), bob.sessionId(), DIAGNOSIS, false, false));
    done(engine.renew(alice.sessionId(), DIAGNOSIS, token));
    done(engine.heartbeat(alice.sessionId()));
    done(engine.release(alice.sessionId(), DIAGNOSIS));
    done(engine.bye(alice.sessionId(), alice.connectionId()));

    assertThat(rows(0)).containsExactly(
        row(AuditEvent.SESSION_START, null, alice, null, null, null),
        row(AuditEvent.SESSION_START, null, bob, null, null, null),
        row(AuditEvent.JOIN, DIAGNOSIS, alice, null, null, null),
        row(AuditEvent.GRANT, DIAGNOSIS, alice, token, null, null),
        row(AuditEvent.JOIN, DIAGNOSIS, bob, null, null, null),
        row(AuditEvent.DENIAL, DIAGNOSIS, bob, null, null, "LOCK_HELD"),
        row(AuditEvent.DENIAL, DIAGNOSIS, bob, null, null, "LOCK_HELD"),
        row(AuditEvent.RELEASE, DIAGNOSIS, alice, token, null, null),
        row(AuditEvent.LEAVE, DIAGNOSIS, alice, null, null, "bye"),
        row(AuditEvent.SESSION_END, null, alice, null, null, "bye"));
  }

  @Test
  void byeWhileHoldingRecordsReleaseLeaveAndEnd() {
    Tab alice = hello(user("alice"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = records.size();

    done(engine.bye(alice.sessionId(), alice.connectionId()));

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.RELEASE, DIAGNOSIS, alice, lease.token(), null, null),
        row(AuditEvent.LEAVE, DIAGNOSIS, alice, null, null, "bye"),
        row(AuditEvent.SESSION_END, null, alice, null, null, "bye"));
  }

  @Test
  void graceEndRecordsReleaseLeaveAndEndAsDisconnected() {
    Tab alice = hello(user("alice"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    long token = done(engine.sync(alice.sessionId(), DIAGNOSIS)).lock().token();
    done(engine.disconnected(alice.sessionId(), alice.connectionId()));
    int mark = records.size();

    clock.advance(GRACE);
    sweepStore();

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.RELEASE, DIAGNOSIS, alice, token, null, null),
        row(AuditEvent.LEAVE, DIAGNOSIS, alice, null, null, "disconnected"),
        row(AuditEvent.SESSION_END, null, alice, null, null, "disconnected"));
  }

  @Test
  void resumeIsRecordedAndNeitherResumeNorJwtTokensEverAppear() {
    Tab alice = hello(user("alice"));
    done(engine.disconnected(alice.sessionId(), alice.connectionId()));

    SessionGrant resumed = done(engine.hello(alice.principal(), alice.resumeToken(), subscriber("c-new")));

    assertThat(resumed.resumed()).isTrue();
    assertThat(rows(1)).containsExactly(row(AuditEvent.SESSION_RESUME, null, alice, null, null, null));
    assertThat(records.toString())
        .doesNotContain(alice.resumeToken())
        .doesNotContain(resumed.resumeToken());
  }

  @Test
  void expiryIsRecordedOnceAndNotAsARelease() {
    Tab alice = hello(user("alice"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    Lease lease = acquire(alice, DIAGNOSIS);
    int mark = records.size();

    clock.advance(TTL);
    sweepStore();
    sweepStore();

    assertThat(rows(mark)).containsExactly(row(AuditEvent.EXPIRY, DIAGNOSIS, alice, lease.token(), null, null));
  }

  @Test
  void takeOwnRecordsTheRevocationThenTheNewGrant() {
    Tab first = hello(user("alice"));
    Tab second = hello(user("alice"));
    done(engine.join(first.principal(), first.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    done(engine.join(second.principal(), second.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    Lease old = acquire(first, DIAGNOSIS);
    int mark = records.size();

    Lease moved = ((AcquireResult.Granted) done(
        engine.acquire(second.principal(), second.sessionId(), DIAGNOSIS, true, false))).lease();

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.REVOCATION, DIAGNOSIS, first, old.token(), "alice", "taken over by another tab of the same user"),
        row(AuditEvent.GRANT, DIAGNOSIS, second, moved.token(), null, null));
  }

  @Test
  void takeoverRequestThenDeadlineRecordsRequestRevocationAndOneGrant() {
    Tab alice = hello(user("alice"));
    Tab admin = hello(user("root", "admin"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    long token = done(engine.sync(alice.sessionId(), DIAGNOSIS)).lock().token();
    done(engine.join(admin.principal(), admin.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    int mark = records.size();

    done(engine.takeover(admin.principal(), admin.sessionId(), DIAGNOSIS, " surgeon in theatre ", false));
    clock.advance(TAKEOVER);
    sweepStore();

    long granted = done(engine.sync(admin.sessionId(), DIAGNOSIS)).lock().token();
    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.TAKEOVER_REQUEST, DIAGNOSIS, alice, token, "root", "surgeon in theatre"),
        row(AuditEvent.REVOCATION, DIAGNOSIS, alice, token, "root", "surgeon in theatre"),
        row(AuditEvent.GRANT, DIAGNOSIS, admin, granted, null, null));
  }

  @Test
  void breakGlassRecordsRevocationGrantAndTheForcedTakeover() {
    Tab alice = hello(user("alice"));
    Tab er = hello(user("er-doc", "emergency"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    long token = done(engine.sync(alice.sessionId(), DIAGNOSIS)).lock().token();
    done(engine.join(er.principal(), er.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    int mark = records.size();

    AcquireResult.Granted g = (AcquireResult.Granted) done(
        engine.takeover(er.principal(), er.sessionId(), DIAGNOSIS, "cardiac arrest", true));

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.REVOCATION, DIAGNOSIS, alice, token, "er-doc", "cardiac arrest"),
        row(AuditEvent.GRANT, DIAGNOSIS, er, g.lease().token(), null, null),
        row(AuditEvent.TAKEOVER_FORCE, DIAGNOSIS, er, g.lease().token(), "er-doc", "cardiac arrest"));
  }

  @Test
  void refusedTakeoverIsADenial() {
    Tab alice = hello(user("alice"));
    Tab bob = hello(user("bob"));
    done(engine.join(bob.principal(), bob.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    int mark = records.size();

    refused(engine.takeover(bob.principal(), bob.sessionId(), DIAGNOSIS, "mine", true));

    assertThat(rows(mark)).containsExactly(row(AuditEvent.DENIAL, DIAGNOSIS, bob, null, null, "FORBIDDEN"));
  }

  @Test
  void forceReleaseRecordsRevocationThenForceReleaseWithoutARelease() {
    Tab alice = hello(user("alice"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    long token = done(engine.sync(alice.sessionId(), DIAGNOSIS)).lock().token();
    int mark = records.size();

    done(engine.forceRelease(user("ops", "admin"), DIAGNOSIS, "stuck lock"));

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.REVOCATION, DIAGNOSIS, alice, token, "ops", "stuck lock"),
        row(AuditEvent.FORCE_RELEASE, DIAGNOSIS, null, null, "ops", "stuck lock"));
  }

  @Test
  void queueHandOffRecordsOneGrantForTheWaiter() {
    Tab alice = hello(user("alice"));
    Tab bob = hello(user("bob"));
    done(engine.join(alice.principal(), alice.sessionId(), QUEUED, JoinMode.VIEW));
    done(engine.join(bob.principal(), bob.sessionId(), QUEUED, JoinMode.VIEW));
    Lease first = acquire(alice, QUEUED);
    assertThat(done(engine.acquire(bob.principal(), bob.sessionId(), QUEUED, false, true)))
        .isInstanceOf(AcquireResult.Queued.class);
    int mark = records.size();

    done(engine.release(alice.sessionId(), QUEUED));

    long handed = done(engine.sync(bob.sessionId(), QUEUED)).lock().token();
    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.RELEASE, QUEUED, alice, first.token(), null, null),
        row(AuditEvent.GRANT, QUEUED, bob, handed, null, null));
  }

  @Test
  void accessRefusalsAndDowngradesAreDenialsWithTheErrorCode() {
    Principal viewOnly = new Principal("guest", "Guest", Set.of(), AccessRules.uniform(Access.VIEW));
    Principal nobody = new Principal("stranger", "Stranger", Set.of(), AccessRules.uniform(Access.NONE));
    Tab guest = hello(viewOnly);
    Tab stranger = hello(nobody);
    int mark = records.size();

    done(engine.join(guest.principal(), guest.sessionId(), DIAGNOSIS, JoinMode.EDIT));
    refused(engine.acquire(guest.principal(), guest.sessionId(), DIAGNOSIS, false, false));
    refused(engine.join(stranger.principal(), stranger.sessionId(), DIAGNOSIS, JoinMode.VIEW));

    assertThat(rows(mark)).containsExactly(
        row(AuditEvent.JOIN, DIAGNOSIS, guest, null, null, null),
        row(AuditEvent.DENIAL, DIAGNOSIS, guest, null, null, "FORBIDDEN"),
        row(AuditEvent.DENIAL, DIAGNOSIS, guest, null, null, "FORBIDDEN"),
        row(AuditEvent.DENIAL, DIAGNOSIS, stranger, null, null, "FORBIDDEN"));
  }

  @Test
  void recordsAreWrittenBeforeTheHubHearsAndBeforeTheStageCompletes() {
    Tab alice = hello(user("alice"));
    Tab bob = hello(user("bob"));
    done(engine.join(alice.principal(), alice.sessionId(), DIAGNOSIS, JoinMode.VIEW));
    done(engine.join(bob.principal(), bob.sessionId(), DIAGNOSIS, JoinMode.VIEW));

    int before = records.size();
    acquire(alice, DIAGNOSIS);
    int recordsAtCompletion = done(engine.acquire(bob.principal(), bob.sessionId(), DIAGNOSIS, false, false)
        .handle((r, e) -> records.size()));

    assertThat(recordsWhenHubGotGrant).containsExactly(before + 1);
    assertThat(records.get(before).event()).isEqualTo(AuditEvent.GRANT);
    assertThat(recordsAtCompletion).isEqualTo(before + 2);
    assertThat(records.get(before + 1).event()).isEqualTo(AuditEvent.DENIAL);
  }

  @Test
  void aThrowingTrailNeitherBreaksTheStoreNorStopsTheEvents() {
    List<Event> delivered = new ArrayList<>();
    AuditingSink sink = new AuditingSink(delivered::add, r -> {
      throw new IllegalStateException("disk on fire");
    });
    Policies policies = new Policies(Policy.DEFAULT, Map.of());
    MemoryStore bare = new MemoryStore(clock, policies, new MemoryFencingCounter(0), sink);
    SessionGrant g = done(bare.openSession(user("alice"), "c1"));

    done(bare.join(g.sessionId(), DIAGNOSIS, JoinMode.EDIT, true));

    assertThat(done(bare.state(DIAGNOSIS, null)).lock().held()).isTrue();
    assertThat(delivered).isNotEmpty();
  }

  /** What the expiry sweeper does. */
  private void sweepStore() {
    done(store.sweep());
  }
}
