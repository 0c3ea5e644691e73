package dev.baton.redis;

import static dev.baton.redis.RedisTesting.await;
import static dev.baton.redis.RedisTesting.newPrefix;
import static dev.baton.redis.RedisTesting.principal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.model.JoinMode;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.core.store.EventRecorder;
import dev.baton.redis.RedisTesting.Tab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisEventRelay} on a real three-master Redis Cluster ({@link RedisCluster}): node B (a
 * store whose events go through a relay into a hub with one member) and node X (a bare store), each
 * on its own Vert.x and its own cluster connections. Document channels are sharded: the test checks
 * that each subscription sits on the master of its document's slot and that X's changes of
 * documents on every master reach B's member.
 */
class RedisClusterEventRelayTest {

  @RegisterExtension
  static final SharedCluster cluster = new SharedCluster();

  private RelayNodes nodes;
  private RedisKeys keys;
  private final Tab tab = new Tab("conn-b1");

  @BeforeEach
  void nodes() {
    keys = RedisKeys.cluster(newPrefix());
    nodes = new RelayNodes(cluster.get().options(), cluster.get().options(), keys, h -> h::publish,
        new EventRecorder());
  }

  @AfterEach
  void close() throws Exception {
    nodes.close();
  }

  @Test
  void changesOnAnotherNodeOfDocumentsOnEveryMasterReachTheMembersOfThisNode() {
    List<ResourceId> resources = onePerMaster();
    int sessionsMaster = cluster.get().portOfSlot(ClusterSlots.slotOfKey(keys.resumeIndex()));
    assertThat(resources).extracting(r -> cluster.get().portOfSlot(ClusterSlots.slot(r.document())))
        .as("the documents' masters, one of them not the master of the session keys")
        .doesNotHaveDuplicates()
        .anyMatch(port -> port != sessionsMaster);

    nodes.hub.expect(tab);
    String bob = await(nodes.storeB.openSession(principal("bob"), tab.connectionId())).sessionId();
    for (ResourceId r : resources) {
      await(nodes.storeB.join(bob, r, JoinMode.VIEW, true));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(nodes.relay::connected);
    for (ResourceId r : resources) {
      String channel = keys.events(r.document());
      try (RawRedis raw = new RawRedis(cluster.get().portOfSlot(ClusterSlots.slot(r.document())))) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shardSubscribers(raw, channel) == 1);
      }
    }

    String xavier = await(nodes.storeX.openSession(principal("xavier"), "conn-x1")).sessionId();
    for (ResourceId r : resources) {
      await(nodes.storeX.join(xavier, r, JoinMode.VIEW, true));
      assertThat(await(nodes.storeX.acquire(xavier, r, false, false))).isInstanceOf(AcquireResult.Granted.class);
    }

    for (ResourceId r : resources) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tab.events().stream()
          .anyMatch(e -> e instanceof PresenceJoined j && j.resource().equals(r) && j.member().userId().equals("xavier")));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tab.events().stream()
          .anyMatch(e -> e instanceof LockStateChanged l && l.resource().equals(r) && l.lock().held()
              && l.lock().holder().userId().equals("xavier")));
    }
  }

  @Test
  void aMemberLeavingUnsubscribesTheShardChannel() {
    ResourceId r = onePerMaster().get(2);
    String channel = keys.events(r.document());
    nodes.hub.expect(tab);
    String bob = await(nodes.storeB.openSession(principal("bob"), tab.connectionId())).sessionId();
    await(nodes.storeB.join(bob, r, JoinMode.VIEW, true));
    try (RawRedis raw = new RawRedis(cluster.get().portOfSlot(ClusterSlots.slot(r.document())))) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shardSubscribers(raw, channel) == 1);

      await(nodes.storeB.leave(bob, r));

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shardSubscribers(raw, channel) == 0);
    }
    assertThat(nodes.relay.connected()).as("an unsubscription asked for is no reason to reconnect").isTrue();
  }

  @Test
  void aDocumentWhoseSlotMovesToAnotherMasterKeepsItsTokensAndItsEvents() {
    ResourceId r = ResourceId.parse("report:moving:diagnosis");
    int slot = ClusterSlots.slot(r.document());
    String channel = keys.events(r.document());
    nodes.hub.expect(tab);
    String bob = await(nodes.storeB.openSession(principal("bob"), tab.connectionId())).sessionId();
    await(nodes.storeB.join(bob, r, JoinMode.VIEW, true));
    String xavier = await(nodes.storeX.openSession(principal("xavier"), "conn-x1")).sessionId();
    await(nodes.storeX.join(xavier, r, JoinMode.VIEW, true));
    long before = ((AcquireResult.Granted) await(nodes.storeX.acquire(xavier, r, false, false))).lease().token();
    await(nodes.storeX.release(xavier, r));
    int from = cluster.get().portOfSlot(slot);
    try (RawRedis raw = new RawRedis(from)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shardSubscribers(raw, channel) == 1);
    }
    int to = cluster.get().ports().stream().filter(p -> p != from).findFirst().orElseThrow();

    int moved = cluster.get().moveSlot(slot, to);

    assertThat(moved).as("the document's keys and the slot's deadline set and lock counter").isGreaterThanOrEqualTo(4);
    try (RawRedis raw = new RawRedis(to)) {
      assertThat(raw.call("GET", keys.fence(r.document()))).isEqualTo(Long.toString(before));
      Awaitility.await("node B subscribed again, on the new master").atMost(Duration.ofSeconds(10))
          .until(() -> shardSubscribers(raw, channel) == 1);
    }
    // The first commands may meet the old slot map (MOVED: UNAVAILABLE, retryable): retry as a client would.
    long[] after = new long[1];
    Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      after[0] = ((AcquireResult.Granted) await(nodes.storeX.acquire(xavier, r, false, false))).lease().token();
      return true;
    });
    assertThat(after[0]).as("the fencing counter moved with its document").isGreaterThan(before);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tab.events().stream()
        .anyMatch(e -> e instanceof LockStateChanged l && l.lock().held() && l.lock().token() == after[0]));
  }

  /** Documents {@code report:<n>}, the first whose slots fall on the first, second and third master. */
  private static List<ResourceId> onePerMaster() {
    List<ResourceId> out = new ArrayList<>();
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; out.size() < RedisCluster.RANGES.length; i++) {
      ResourceId r = ResourceId.parse("report:r" + i + ":diagnosis");
      if (masters.add(cluster.get().portOfSlot(ClusterSlots.slot(r.document())))) {
        out.add(r);
      }
    }
    out.sort((a, b) -> Integer.compare(ClusterSlots.slot(a.document()), ClusterSlots.slot(b.document())));
    return out;
  }

  private static long shardSubscribers(RawRedis raw, String channel) {
    @SuppressWarnings("unchecked")
    List<Object> reply = (List<Object>) raw.call("PUBSUB", "SHARDNUMSUB", channel);
    return (Long) reply.get(1);
  }
}
