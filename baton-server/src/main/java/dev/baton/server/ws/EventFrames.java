package dev.baton.server.ws;

import dev.baton.core.engine.Fanout;
import dev.baton.core.event.Event;
import dev.baton.core.time.Clock;
import dev.baton.server.protocol.Wire;
import io.vertx.core.buffer.Buffer;

/**
 * The encoded frames of one event for all its recipients on this node: at most two, each encoded on
 * first use and then the same bytes for every recipient that gets that copy. The holder's copy of a
 * {@code lock.state} carries the token; every other recipient's copy is the one without ({@link
 * Wire#isHoldersCopy}). {@code ts} is the time of encoding. Kept in the event's {@link Fanout}.
 *
 * <p>Thread-safe: recipients on different event loops share it.
 */
final class EventFrames {

  /** Marks an event that is not sent to clients: the encoder gave no text. */
  private static final Buffer NOTHING = Buffer.buffer(0);
  /** First capacity of a frame's buffer: a lock.state or presence event fits. */
  private static final int FRAME_BYTES = 512;

  private final Event event;
  private final Wire wire;
  private final Clock clock;
  private Buffer othersCopy;
  private Buffer holdersCopy;

  private EventFrames(Event event, Wire wire, Clock clock) {
    this.event = event;
    this.wire = wire;
    this.clock = clock;
  }

  /** The frames of {@code fanout}'s event, made by the first recipient that asks. */
  static EventFrames of(Fanout fanout, Wire wire, Clock clock) {
    return fanout.shared(e -> new EventFrames(e, wire, clock));
  }

  /**
   * The text frame's payload (UTF-8) for {@code recipientSessionId}, shared with every recipient of
   * the same copy; null for an event that is not sent to clients. Callers must not modify it.
   */
  synchronized Buffer forRecipient(String recipientSessionId) {
    boolean holder = Wire.isHoldersCopy(event, recipientSessionId);
    Buffer copy = holder ? holdersCopy : othersCopy;
    if (copy == null) {
      BufferOutput out = new BufferOutput(FRAME_BYTES);
      copy = wire.writeEvent(out, event, recipientSessionId, clock.wallMillis()) ? out.buffer() : NOTHING;
      if (holder) {
        holdersCopy = copy;
      } else {
        othersCopy = copy;
      }
    }
    return copy == NOTHING ? null : copy;
  }
}
