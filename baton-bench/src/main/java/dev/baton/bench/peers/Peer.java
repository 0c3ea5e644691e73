package dev.baton.bench.peers;

import java.util.concurrent.CompletionStage;

/**
 * One contender of the Redis peers run: something that takes and frees an uncontended lock (or, for
 * the floor, runs the same number of round trips) against the shared Redis. Implementations are
 * thread-safe: {@link #operation} is called from the completion threads of earlier operations.
 */
interface Peer extends AutoCloseable {

  /** The name in the results, e.g. {@code baton-redis-store}. */
  String name();

  /** Round trips to Redis that one {@link #operation} makes when nothing goes wrong. */
  int roundTrips();

  /**
   * Prepares {@code workers} independent lock holders (sessions, locks, scripts), so that worker
   * {@code i} never contends with worker {@code j}. Called once, before any operation.
   *
   * @throws RuntimeException if Redis refuses the setup
   */
  void prepare(int workers);

  /**
   * One operation of worker {@code worker}: acquire then release its own resource. The stage fails if
   * the lock was not granted or Redis failed. At most one operation per worker is in flight.
   */
  CompletionStage<Void> operation(int worker);

  /** Releases the peer's clients; no operation may be in flight. */
  @Override
  void close();
}
