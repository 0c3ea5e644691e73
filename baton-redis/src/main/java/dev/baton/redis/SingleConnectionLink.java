package dev.baton.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A {@link RedisLink} over one pipelined connection, owned by one Vert.x context: every command is
 * written from that context, so commands reach Redis in the order {@link #send} was called and
 * their replies complete, in that order, on the context's thread.
 *
 * <p><b>Redis Cluster</b> ({@link io.vertx.redis.client.RedisClientType#CLUSTER} options): the
 * "connection" is the Vert.x cluster connection, one pipelined connection per master, opened from
 * the link's context, each command routed by the slot of its first key ({@code FCALL} by {@code
 * KEYS[1]}). Order then holds per master, so per document (all keys of a document are in one
 * slot); commands on different masters complete in any order, on the same thread. A {@code MOVED}
 * reply (the slot has a new owner after a resharding or a failover) fails its command and drops the
 * connection, so that the next command starts from a fresh slot map; {@code ASK}, {@code TRYAGAIN}
 * and {@code CLUSTERDOWN} are retried by the client.
 *
 * <p>The connection is opened on the first command and again after it failed or closed (Redis
 * restarted, network cut). A command not answered within {@code commandTimeout} fails with a {@link
 * TimeoutException}, and the connection is dropped (failing every command still waiting on it) so
 * that the next command starts over on a fresh one. Replies of commands that timed out are then
 * lost to this node; their effects in Redis stay.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread; the connection state is touched only
 * on the link's context.
 */
public final class SingleConnectionLink implements RedisLink, AutoCloseable {

  private final Vertx vertx;
  private final RedisOptions options;
  private final Context context;
  private final long commandTimeoutMs;

  // Only touched on `context`.
  private Redis client;
  private Future<RedisConnection> connection;
  private boolean closed;

  private SingleConnectionLink(Vertx vertx, RedisOptions options, Duration commandTimeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = new RedisOptions(Objects.requireNonNull(options, "options"));
    this.context = vertx.getOrCreateContext();
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout " + commandTimeout + " must be positive");
    }
    this.commandTimeoutMs = Math.max(1, commandTimeout.toMillis());
  }

  /**
   * A link to the Redis that {@code options} names (its first endpoint), on a new context of {@code
   * vertx}. Opens no connection yet.
   *
   * @param commandTimeout how long a command may wait for its reply; positive
   * @throws IllegalArgumentException if {@code commandTimeout} is not positive
   */
  public static SingleConnectionLink create(Vertx vertx, RedisOptions options, Duration commandTimeout) {
    return new SingleConnectionLink(vertx, options, commandTimeout);
  }

  /** A link to {@code redis://host:port} with a command timeout of 5 s. */
  public static SingleConnectionLink create(Vertx vertx, String connectionString) {
    return create(vertx, new RedisOptions().setConnectionString(connectionString), Duration.ofSeconds(5));
  }

  @Override
  public Future<Response> send(Request request) {
    Promise<Response> reply = Promise.promise();
    context.runOnContext(v -> dispatch(c -> c.send(request), reply));
    return reply.future();
  }

  /**
   * Sends the commands as one Vert.x batch (pipelined, not a transaction): on a Cluster all of them go
   * to the master of the slot of the keyed ones. Same timeout and reconnection as {@link #send}.
   */
  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    Promise<List<Response>> replies = Promise.promise();
    List<Request> copy = List.copyOf(requests);
    context.runOnContext(v -> dispatch(c -> c.batch(copy), replies));
    return replies.future();
  }

  @Override
  public void execute(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /** Closes the connection; later commands fail. Idempotent. */
  @Override
  public void close() {
    context.runOnContext(v -> {
      closed = true;
      drop();
    });
  }

  private <T> void dispatch(Function<RedisConnection, Future<T>> command, Promise<T> reply) {
    if (closed) {
      reply.fail(new IllegalStateException("the Redis link is closed"));
      return;
    }
    Future<RedisConnection> current = connection();
    long timer = vertx.setTimer(commandTimeoutMs, id -> {
      if (reply.tryFail(new TimeoutException("no reply from Redis within " + commandTimeoutMs + " ms"))) {
        if (connection == current) {
          drop();
        }
      }
    });
    current.compose(command).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        reply.tryComplete(ar.result());
      } else {
        if (moved(ar.cause()) && connection == current) {
          drop();
        }
        reply.tryFail(ar.cause());
      }
    });
  }

  /** A Cluster redirection: the slot map the connection routes by is out of date. */
  private static boolean moved(Throwable t) {
    String message = t.getMessage();
    return message != null && message.startsWith("MOVED");
  }

  private Future<RedisConnection> connection() {
    if (connection == null) {
      if (client == null) {
        client = Redis.createClient(vertx, options);
      }
      Future<RedisConnection> opening = client.connect();
      connection = opening;
      opening.onComplete(ar -> context.runOnContext(v -> {
        if (connection != opening) {
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        if (ar.failed()) {
          connection = null;
          return;
        }
        RedisConnection c = ar.result();
        c.exceptionHandler(t -> context.runOnContext(x -> lost(opening)));
        c.endHandler(x -> context.runOnContext(y -> lost(opening)));
      }));
    }
    return connection;
  }

  private void lost(Future<RedisConnection> which) {
    if (connection == which) {
      drop();
    }
  }

  private void drop() {
    connection = null;
    if (client != null) {
      client.close();
      client = null;
    }
  }

  @Override
  public String toString() {
    return "SingleConnectionLink[" + options.getEndpoint().replaceAll("//[^@/]*@", "//***@") + "]";
  }
}
