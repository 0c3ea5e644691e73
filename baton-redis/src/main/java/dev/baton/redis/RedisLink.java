package dev.baton.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis store's one way to Redis: send a command, get its reply.
 *
 * <p><b>Order.</b> The link has one thread (a Vert.x context). Replies must complete in the order the
 * commands were sent, one after the other on that thread, and the returned futures must run their
 * callbacks on that thread as they complete. The store builds every operation inside {@link
 * #execute}, so each callback is in place before its reply can arrive, and hands each script's events
 * to its {@code EventSink} from that callback: this is what makes events leave in commit order. (A
 * callback added from another thread to an already completed future would run on that thread, racing
 * the replies behind it.) {@link SingleConnectionLink} keeps this order by sending every command over
 * one pipelined connection from one Vert.x context.
 *
 * <p><b>Failure.</b> A command that cannot be sent, is not answered in time, or is answered with a
 * Redis error fails its future; the store maps every such failure to {@code UNAVAILABLE}. An
 * implementation reconnects by itself when Redis is back.
 *
 * <p>Implementations must be thread-safe: {@link #send} is called from any thread.
 */
public interface RedisLink {

  /** Sends one command. */
  Future<Response> send(Request request);

  /**
   * Sends several commands together, in order, to one server, and gives their replies in that order:
   * on a Redis Cluster to the master of the slot of their keys (commands without keys, such as {@code
   * FUNCTION LOAD}, go along with them: the way to reach a given master); elsewhere to the one
   * server. Fails if any of them fails (the others still ran). The default sends them one after the
   * other by {@link #send}, which is the same thing on a single server.
   */
  default Future<List<Response>> batch(List<Request> requests) {
    List<Future<Response>> replies = new ArrayList<>(requests.size());
    for (Request request : requests) {
      replies.add(send(request));
    }
    return Future.all(replies).map(all -> {
      List<Response> out = new ArrayList<>(replies.size());
      for (Future<Response> reply : replies) {
        out.add(reply.result());
      }
      return out;
    });
  }

  /** Runs {@code task} on the link's thread, after the tasks already queued there. */
  void execute(Runnable task);
}
