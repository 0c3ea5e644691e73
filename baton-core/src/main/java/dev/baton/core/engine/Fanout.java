package dev.baton.core.engine;

import dev.baton.core.event.Event;
import java.util.Objects;
import java.util.function.Function;

/**
 * One event on its way from the {@link Hub} to one or more connections of this node. The hub hands
 * the same object to every recipient of the event, so the transport can encode the event once (once
 * per view: a viewer's copy of a lock state without its token is the same for every viewer, only the
 * holder's copy differs) and send the same bytes to all of them, instead of encoding one copy per
 * recipient.
 *
 * <p>Thread-safe: recipients on different threads share the encoding; the first to ask makes it.
 */
public final class Fanout {

  private final Event event;
  private volatile Object shared;

  /** @param event the event, sent as it is to every recipient (the transport filters tokens) */
  public Fanout(Event event) {
    this.event = Objects.requireNonNull(event, "event");
  }

  /** The event. */
  public Event event() {
    return event;
  }

  /**
   * What {@code make} makes of the event, made once, by the first caller (a caller arriving meanwhile
   * waits for it), and returned to every later caller whatever function it passes: one transport
   * uses one function.
   *
   * @param make builds the transport's shared form of the event; must not return null
   * @throws NullPointerException if {@code make} returns null
   */
  @SuppressWarnings("unchecked")
  public <T> T shared(Function<Event, T> make) {
    Object value = shared;
    if (value == null) {
      synchronized (this) {
        value = shared;
        if (value == null) {
          value = Objects.requireNonNull(make.apply(event), "shared form");
          shared = value;
        }
      }
    }
    return (T) value;
  }
}
