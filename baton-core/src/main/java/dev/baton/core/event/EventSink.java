package dev.baton.core.event;

/**
 * Receives events in the order the store committed them. The memory store calls it while holding its
 * lock, so an implementation must only hand the event on (enqueue, write to a socket buffer) and must
 * never call back into the store. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface EventSink {

  void publish(Event event);
}
