package dev.baton.redis;

import dev.baton.core.engine.Hub;
import dev.baton.core.event.EventSink;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The two nodes of the event relay tests, each on its own Vert.x and its own connections, as two
 * processes would be: node B, a store whose events go through a {@link RedisEventRelay} into a
 * {@link Hub}, and node X, a bare store (the "other node"), under the same keys and the default
 * policy. Not thread-safe: made and closed by the test's thread.
 */
final class RelayNodes implements AutoCloseable {

  final SingleConnectionLink linkB;
  final Hub hub;
  final RedisEventRelay relay;
  final RedisStore storeB;
  final RedisStore storeX;
  private final Vertx vertxB;
  private final Vertx vertxX;
  private final SingleConnectionLink linkX;

  /**
   * Starts both nodes.
   *
   * @param options the Redis of both stores
   * @param relayOptions the Redis of B's pub/sub connection (the same, or a proxy in front of it)
   * @param ownEvents the sink of B's own events, given B's hub
   * @param eventsX the sink of X's events
   */
  RelayNodes(RedisOptions options, RedisOptions relayOptions, RedisKeys keys, Function<Hub, EventSink> ownEvents,
      EventSink eventsX) {
    Policies policies = new Policies(Policy.DEFAULT, Map.of());
    vertxB = Vertx.vertx();
    linkB = SingleConnectionLink.create(vertxB, options, Duration.ofSeconds(5));
    RedisEventRelay[] relays = new RedisEventRelay[1];
    hub = new Hub(doc -> relays[0].localMembersChanged(doc));
    relay = new RedisEventRelay(vertxB, relayOptions, linkB, keys, "node-b", hub, ownEvents.apply(hub), e -> {});
    relays[0] = relay;
    storeB = new RedisStore(linkB, keys, policies, relay, RedisTime.server(), "node-b", Duration.ofSeconds(5),
        NodeListener.NONE);
    relay.start(storeB);

    vertxX = Vertx.vertx();
    linkX = SingleConnectionLink.create(vertxX, options, Duration.ofSeconds(5));
    storeX = new RedisStore(linkX, keys, policies, eventsX, RedisTime.server(), "node-x");
  }

  /** Closes the relay, both links and both Vert.x instances (waiting up to 10 s for each Vert.x). */
  @Override
  public void close() throws Exception {
    relay.close();
    linkB.close();
    linkX.close();
    vertxB.close().await(10, TimeUnit.SECONDS);
    vertxX.close().await(10, TimeUnit.SECONDS);
  }
}
