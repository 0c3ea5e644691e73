package dev.baton.bench.jmh;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor the engine is measured against: the least a lock table can do, a {@code putIfAbsent} to
 * take a resource and a conditional {@code remove} to free it, with no expiry, no fencing, no presence
 * and no events. Thread-safe.
 */
final class FloorLock {

  private final ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();

  /** Takes {@code resource} for {@code holder}; false when someone else holds it. */
  boolean acquire(String resource, String holder) {
    String current = holders.putIfAbsent(resource, holder);
    return current == null || current.equals(holder);
  }

  /** Frees {@code resource} if {@code holder} holds it. */
  boolean release(String resource, String holder) {
    return holders.remove(resource, holder);
  }
}
