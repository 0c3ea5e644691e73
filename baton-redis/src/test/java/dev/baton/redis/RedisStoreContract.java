package dev.baton.redis;

import dev.baton.core.event.EventSink;
import dev.baton.core.policy.Policies;
import dev.baton.core.store.Store;
import dev.baton.core.store.StoreContractPhase2;
import dev.baton.core.time.FakeClock;
import java.time.Duration;

/**
 * The store contract against {@link RedisStore} on a fake clock, for one Redis ({@link RedisStoreTest})
 * and a Cluster ({@link RedisClusterStoreTest}): each store under its own random key prefix (the
 * centrifuge pattern), as node "node-a", on a clock that starts on a whole microsecond below 2^53 us
 * and ticks by one microsecond (Redis keeps microseconds). Subclasses give the link and the key
 * layout. Not thread-safe, as the contract.
 */
abstract class RedisStoreContract extends StoreContractPhase2 {

  /** 2025-11-29 12:00 UTC in nanoseconds: a whole microsecond, and below 2^53 microseconds. */
  static final long START_NANOS = 1_764_417_600_000_000_000L;
  static final long START_WALL_MS = 1_764_417_600_000L;

  /** The clock of the stores under test. */
  protected final FakeClock clock = new FakeClock(START_NANOS, START_WALL_MS);
  /** The key prefix of the last store made by {@link #newStore}. */
  protected String prefix;

  /** The link the stores under test send their commands on. */
  protected abstract SingleConnectionLink link();

  /** The key layout for {@code prefix} (one Redis or Cluster). */
  protected abstract RedisKeys keys(String prefix);

  @Override
  protected Store newStore(Policies policies, EventSink sink) {
    prefix = RedisTesting.newPrefix();
    return new RedisStore(link(), keys(prefix), policies, sink, RedisTime.injected(clock), "node-a");
  }

  @Override
  protected void advance(Duration d) {
    clock.advance(d);
  }

  @Override
  protected Duration tick() {
    return Duration.ofNanos(1000);
  }
}
