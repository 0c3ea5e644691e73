package dev.baton.bench.peers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its default single-server configuration: worker {@code i} has the lock
 * {@code <prefix>:w<i>} and its own thread id, and one operation is {@code tryLock(0, lease, ms,
 * threadId)} + {@code unlock(threadId)}, the asynchronous forms of {@code tryLock(0, leaseTime, unit)} +
 * {@code unlock()} (same Lua scripts; the synchronous forms only block the caller on them and take
 * the thread id from the calling thread). With a lease time no watchdog runs, and with a wait time
 * of 0 no subscription is made. Thread-safe.
 */
final class RedissonPeer implements Peer {

  /** Lease of each lock, as Baton's default lock TTL. */
  static final long LEASE_MS = 30_000;

  private final RedissonClient client;
  private final String prefix;
  private final List<RLock> locks = new ArrayList<>();

  RedissonPeer(String uri, String prefix) {
    Config config = new Config();
    config.useSingleServer().setAddress(uri);
    client = Redisson.create(config);
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return "redisson-rlock";
  }

  @Override
  public int roundTrips() {
    return 2;
  }

  @Override
  public void prepare(int workers) {
    for (int w = 0; w < workers; w++) {
      locks.add(client.getLock(prefix + ":w" + w));
    }
  }

  /** Only the {@code tryLock}, for counting commands; the lock stays held. */
  CompletionStage<Boolean> lock(int worker) {
    return locks.get(worker).tryLockAsync(0, LEASE_MS, TimeUnit.MILLISECONDS, threadId(worker));
  }

  /** Only the {@code unlock}, for counting commands. */
  CompletionStage<Void> unlock(int worker) {
    return locks.get(worker).unlockAsync(threadId(worker));
  }

  @Override
  public CompletionStage<Void> operation(int worker) {
    return lock(worker).thenCompose(granted -> {
      if (!granted) {
        return CompletableFuture.failedFuture(new IllegalStateException("not granted: " + locks.get(worker)));
      }
      return unlock(worker);
    });
  }

  private static long threadId(int worker) {
    return 1_000_000L + worker;
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
