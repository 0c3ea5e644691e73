package dev.baton.bench.peers;

import dev.baton.redis.SingleConnectionLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The floor: {@code EVALSHA} of the trivial script {@code return 1} (one key, one argument, as a lock
 * script takes), twice per operation so that an operation makes the same two round trips as an
 * acquire + release, with vertx-redis-client, the client Baton uses. Two variants: straight on one
 * pipelined {@link RedisConnection} ({@code evalsha-vertx}, the library's floor), and through Baton's
 * {@link SingleConnectionLink} ({@code evalsha-link}, the floor plus the link's hop onto its context and
 * its timeout timer). Thread-safe.
 */
final class EvalshaPeer implements Peer {

  /** The trivial script. */
  static final String SCRIPT = "return 1";

  private final String name;
  private final Function<Request, Future<Response>> send;
  private final AutoCloseable closer;
  private final String sha;

  private EvalshaPeer(String name, Function<Request, Future<Response>> send, AutoCloseable closer, String sha) {
    this.name = name;
    this.send = send;
    this.closer = closer;
    this.sha = sha;
  }

  /** On one plain connection of the library. */
  static EvalshaPeer direct(Vertx vertx, String uri, String sha) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri));
    RedisConnection connection = RedisAdmin.await(client.connect());
    return new EvalshaPeer("evalsha-vertx", connection::send, () -> {
      connection.close();
      client.close();
    }, sha);
  }

  /** Through Baton's link. */
  static EvalshaPeer link(Vertx vertx, String uri, String sha) {
    SingleConnectionLink link = SingleConnectionLink.create(vertx, new RedisOptions().setConnectionString(uri),
        Duration.ofSeconds(5));
    return new EvalshaPeer("evalsha-link", link::send, link, sha);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int roundTrips() {
    return 2;
  }

  @Override
  public void prepare(int workers) {
    // nothing per worker: the script is loaded once by the caller
  }

  @Override
  public CompletionStage<Void> operation(int worker) {
    String key = "floor:w" + worker;
    return send.apply(request(key)).compose(r -> send.apply(request(key))).<Void>mapEmpty().toCompletionStage();
  }

  private Request request(String key) {
    return Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg(key).arg("x");
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing " + name, e);
    }
  }
}
