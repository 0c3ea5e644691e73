package dev.baton.redis;

import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/**
 * Where the {@link RedisStore} hands the events of each script this node ran, with what a node needs
 * to merge them with other nodes' events: the document and its event sequence number. Called on the
 * {@link RedisLink}'s thread, in the order Redis ran the scripts.
 *
 * <p>The store completes the operation's stage only after the returned future completes, so an
 * implementation may hold a batch back for a moment (until the batches of other nodes that precede
 * it have arrived on the document's channel: {@link RedisEventRelay}) and the client still gets the
 * events before the reply. It must never fail the future, block, or call back into the store.
 */
@FunctionalInterface
public interface BatchSink {

  /**
   * The events of one script.
   *
   * @param documentId the document {@code type:id} of a document script; null for a session script
   *     or a {@code SessionEnded}
   * @param seq the document's event sequence number after this script (0 without a document)
   * @param events the events, in commit order; may be empty
   * @return completes once the events have been handed on (or dropped as already handed on)
   */
  Future<Void> accept(String documentId, long seq, List<Event> events);

  /** A sink that hands every event to {@code sink} at once, ignoring documents and numbers (one node). */
  static BatchSink of(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    return (documentId, seq, events) -> {
      for (Event e : events) {
        sink.publish(e);
      }
      return Future.succeededFuture();
    };
  }
}
