package dev.baton.bench.peers;

import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.AcquireResult;
import dev.baton.redis.RedisKeys;
import dev.baton.redis.RedisStore;
import dev.baton.redis.RedisTime;
import dev.baton.redis.SingleConnectionLink;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Baton's {@link RedisStore} as a node runs it (one {@link SingleConnectionLink}, Redis {@code TIME},
 * default policies, events to a sink that drops them): worker {@code i} has its own session, joined
 * to {@code bench:w<i>:main} (a document of its own), and one operation is {@code acquire} + {@code
 * release} of that resource, two {@code FCALL}s. Thread-safe.
 */
final class BatonStorePeer implements Peer {

  private final SingleConnectionLink link;
  private final RedisStore store;
  private final List<String> sessions = new ArrayList<>();
  private final List<ResourceId> resources = new ArrayList<>();

  BatonStorePeer(Vertx vertx, String uri, String prefix) {
    link = SingleConnectionLink.create(vertx, new RedisOptions().setConnectionString(uri), Duration.ofSeconds(5));
    store = new RedisStore(link, new RedisKeys(prefix), Policies.defaults(), event -> { }, RedisTime.server(),
        "bench-node");
  }

  @Override
  public String name() {
    return "baton-redis-store";
  }

  @Override
  public int roundTrips() {
    return 2;
  }

  @Override
  public void prepare(int workers) {
    for (int w = 0; w < workers; w++) {
      String user = "w" + w;
      Principal p = new Principal(user, user, Set.of(), AccessRules.uniform(Access.EDIT));
      String session = store.openSession(p, "conn-" + user).toCompletableFuture().join().sessionId();
      ResourceId resource = ResourceId.parse("bench:" + user + ":main");
      store.join(session, resource, JoinMode.VIEW, true).toCompletableFuture().join();
      sessions.add(session);
      resources.add(resource);
    }
  }

  /** Only the acquire (one {@code FCALL}), for counting commands; the lock stays held. */
  CompletionStage<AcquireResult> acquire(int worker) {
    return store.acquire(sessions.get(worker), resources.get(worker), false, false);
  }

  /** Only the renewal of a held lock (one {@code FCALL}), for counting commands. */
  CompletionStage<?> renew(int worker, long token) {
    return store.renew(sessions.get(worker), resources.get(worker), token);
  }

  /** Only the release (one {@code FCALL}), for counting commands. */
  CompletionStage<Void> release(int worker) {
    return store.release(sessions.get(worker), resources.get(worker));
  }

  @Override
  public CompletionStage<Void> operation(int worker) {
    return acquire(worker).thenCompose(result -> {
      if (!(result instanceof AcquireResult.Granted)) {
        return CompletableFuture.failedFuture(new IllegalStateException("not granted: " + result));
      }
      return release(worker);
    });
  }

  @Override
  public void close() {
    link.close();
  }
}
