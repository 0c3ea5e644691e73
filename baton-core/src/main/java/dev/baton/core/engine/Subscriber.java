package dev.baton.core.engine;

import dev.baton.core.event.Event;

/**
 * One client connection as the {@link Hub} sees it: the transport's per-connection object.
 *
 * <p>{@link #deliver} is called while the store's lock is held, in commit order, from any thread: an
 * implementation must only enqueue the event onto the connection's own thread (for example Vert.x
 * {@code Context.runOnContext}) and return. It must never block or call the engine.
 */
public interface Subscriber {

  /** The connection's id, unique on this node. */
  String connectionId();

  /** Hands an event to the connection; it filters tokens and encodes it on its own thread. */
  void deliver(Event event);

  /**
   * Hands an event that the {@link Hub} sends to every member of a resource on this node: {@code
   * fanout} is the same object for all of them, so an implementation can encode the event once and
   * send the same bytes to each (see {@link Fanout#shared}). The same rules as {@link #deliver(Event)}
   * apply. By default, {@code deliver(fanout.event())}.
   */
  default void deliver(Fanout fanout) {
    deliver(fanout.event());
  }
}
