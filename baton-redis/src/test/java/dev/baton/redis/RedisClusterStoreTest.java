package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.Event;
import dev.baton.core.event.LockExpired;
import dev.baton.core.model.Lease;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreStats;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole store contract against {@link RedisStore} on a real three-master Redis Cluster
 * ({@link RedisCluster}), with the Cluster key layout ({@link RedisKeys#cluster}) and a link over the
 * Vert.x cluster client. Plus: documents really spread over the masters, their keys (fencing
 * counter, per-slot deadline set and lock counter) each in the document's slot, the counter without
 * a TTL.
 */
class RedisClusterStoreTest extends RedisStoreContract {

  @RegisterExtension
  static final SharedCluster cluster = new SharedCluster();

  private static Vertx vertx;
  private static SingleConnectionLink link;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    link = SingleConnectionLink.create(vertx, cluster.get().options(), Duration.ofSeconds(5));
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (link != null) {
      link.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Override
  protected SingleConnectionLink link() {
    return link;
  }

  @Override
  protected RedisKeys keys(String prefix) {
    return RedisKeys.cluster(prefix);
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster only

  @Test
  void documentsLandOnSeveralMastersWithAllTheirKeysInTheirSlotAndAFenceWithoutTtl() {
    RedisKeys keys = RedisKeys.cluster(prefix);
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      ResourceId r = ResourceId.parse("report:spread" + i + ":diagnosis");
      Tab alice = viewer("alice" + i, r);
      Lease lease = acquire(alice, r);
      String doc = r.document();
      int slot = ClusterSlots.slot(doc);
      int port = cluster.get().portOfSlot(slot);
      try (RawRedis raw = new RawRedis(port)) {
        for (String key : List.of(keys.document(doc), keys.members(doc), keys.fence(doc), keys.due(doc),
            keys.locksHeld(doc))) {
          assertThat(raw.call("CLUSTER", "KEYSLOT", key)).as(key).isEqualTo((long) slot);
          assertThat(raw.call("EXISTS", key)).as(key + " on the master of slot " + slot).isEqualTo(1L);
        }
        assertThat(raw.call("GET", keys.fence(doc))).isEqualTo(Long.toString(lease.token()));
        assertThat(raw.call("PTTL", keys.fence(doc))).as("the fencing counter never expires").isEqualTo(-1L);
        assertThat((Long) raw.call("CLUSTER", "COUNTKEYSINSLOT", Long.toString(slot))).isGreaterThanOrEqualTo(5L);
      }
      masters.add(port);
    }
    assertThat(masters).as("masters holding documents").hasSize(3);
  }

  /**
   * The library is on every master once a store has started, and a master that lost it (a new
   * master, a restart without persistence, {@code FUNCTION DELETE}) gets it again on the first call
   * routed to it, which then succeeds.
   */
  @Test
  void everyMasterHasTheLibraryAndAMasterWithoutItGetsItOnFirstUse() {
    ResourceId r = ResourceId.parse("report:no-library:diagnosis");
    Tab alice = viewer("alice", r);
    Lease first = acquire(alice, r);
    for (int port : cluster.get().ports()) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (RawRedis raw = new RawRedis(port)) {
          assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", FunctionLibrary.NAME))
              .as("master " + port).hasSize(1);
        }
      });
    }
    await(store().release(alice.sessionId(), r));
    int port = cluster.get().portOfSlot(ClusterSlots.slot(r.document()));
    try (RawRedis raw = new RawRedis(port)) {
      assertThat(raw.call("FUNCTION", "DELETE", FunctionLibrary.NAME)).isEqualTo("OK");
    }

    Lease second = acquire(alice, r);

    assertThat(second.token()).isGreaterThan(first.token());
    try (RawRedis raw = new RawRedis(port)) {
      assertThat((List<?>) raw.call("FUNCTION", "LIST", "LIBRARYNAME", FunctionLibrary.NAME)).hasSize(1);
    }
  }

  @Test
  void theSweeperFindsDueDocumentsOnEveryMasterAndCountsTheirLocks() {
    List<ResourceId> resources = List.of(ResourceId.parse("report:a1:diagnosis"),
        ResourceId.parse("report:b2:diagnosis"), ResourceId.parse("report:c3:diagnosis"),
        ResourceId.parse("report:d4:diagnosis"), ResourceId.parse("report:e5:diagnosis"));
    Set<Integer> masters = new HashSet<>();
    for (ResourceId r : resources) {
      acquire(viewer("u-" + r.id(), r), r);
      masters.add(cluster.get().portOfSlot(ClusterSlots.slot(r.document())));
    }
    assertThat(masters).hasSizeGreaterThan(1);
    sweep();
    assertThat(store().stats().locks()).isEqualTo(resources.size());

    advance(TTL);
    sweep(); // expires them; the lock counters were read before its visits (stats: one sweep old)
    sweep();

    assertThat(store().stats()).isEqualTo(new StoreStats(resources.size(), 0));
    for (ResourceId r : resources) {
      assertThat(state(r, null).lock().held()).as(r.toString()).isFalse();
    }
  }

  @Test
  void aNodeFindsTheDeadlinesAnotherNodeRecordedInSlotsItNeverTouchedWithinAFullScanOffer() throws Exception {
    // Node B sweeps first (its unconditional full scan finds nothing), then node A grants a lock in
    // a slot B never wrote to and dies. B alone must announce its expiry on its next full-scan
    // offer: the lease (SET NX PX) is free, as no other node scanned this master.
    // B's node timeout is long, so that B does not declare A dead (that path visits A's documents
    // too) and only the full scan can find the deadline.
    List<Event> announcedByB = new CopyOnWriteArrayList<>();
    Store b = new RedisStore(link, RedisKeys.cluster(prefix), policies(policy()), BatchSink.of(announcedByB::add),
        RedisTime.injected(clock), "node-b", Duration.ofHours(1), NodeListener.NONE);
    b.sweep().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ResourceId r = ResourceId.parse("report:dead-node:diagnosis");
    Tab alice = viewer("alice", r);
    Lease lease = acquire(alice, r);
    advance(TTL);
    // Three sweeps: 750 ms at the default 250 ms sweep interval, so that an expiry is announced
    // within one second (issue: "each expiry announced exactly once across all nodes, within one second").
    for (int i = 1; i < 3; i++) {
      b.sweep().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(announcedByB).as("sweep %d: B does not look at the slot before its full-scan offer", i + 1)
          .noneMatch(LockExpired.class::isInstance);
    }
    b.sweep().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(announcedByB).as("B's full-scan offer finds the expired lock and announces it once")
        .filteredOn(LockExpired.class::isInstance)
        .containsExactly(new LockExpired(alice.sessionId(), r, lease.token()));
  }
}
