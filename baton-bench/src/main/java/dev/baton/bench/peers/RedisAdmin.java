package dev.baton.bench.peers;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The bench's own connection to Redis for what is not a measured operation: {@code FLUSHALL},
 * {@code CONFIG RESETSTAT}, {@code INFO commandstats}, {@code SCRIPT LOAD}. Blocking calls (each
 * waits up to 10 s); not thread-safe.
 */
final class RedisAdmin implements AutoCloseable {

  private final Redis client;
  private final RedisConnection connection;

  RedisAdmin(Vertx vertx, String uri) {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri));
    connection = await(client.connect());
  }

  /** Sends one command and waits for its reply. */
  Response call(Command command, String... args) {
    Request request = Request.cmd(command);
    for (String a : args) {
      request.arg(a);
    }
    return await(connection.send(request));
  }

  /** Zeroes {@code INFO commandstats}. */
  void resetStats() {
    call(Command.CONFIG, "RESETSTAT");
  }

  /** One line of {@code INFO commandstats}: calls, and microseconds Redis spent in them in total. */
  record Stat(long calls, long usec) {

    Stat plus(Stat o) {
      return new Stat(calls + o.calls, usec + o.usec);
    }
  }

  /**
   * {@code INFO commandstats} as command name (lower case, e.g. {@code evalsha}, {@code hget}) to
   * calls and time since the last reset, without this connection's own {@code config} and {@code
   * info}. Commands that scripts run count as well: Redis counts every {@code redis.call}, and a
   * script's time includes theirs.
   */
  Map<String, Stat> commandStats() {
    Map<String, Stat> calls = new TreeMap<>();
    for (String line : call(Command.INFO, "commandstats").toString().split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        if (!name.equals("config") && !name.equals("info")) {
          calls.put(name, new Stat(field(line, "calls="), field(line, "usec=")));
        }
      }
    }
    return calls;
  }

  private static long field(String line, String name) {
    String rest = line.substring(line.indexOf(name) + name.length());
    return Long.parseLong(rest.substring(0, rest.indexOf(',')));
  }

  /** {@code SCRIPT LOAD}: the script's SHA-1. */
  String scriptLoad(String script) {
    return call(Command.SCRIPT, "LOAD", script).toString();
  }

  /**
   * CPU time of Redis's main thread so far, in microseconds ({@code used_cpu_user_main_thread} +
   * {@code used_cpu_sys_main_thread} of {@code INFO cpu}, Redis 6.2+): unlike {@code usec} of {@code
   * INFO commandstats}, which is wall time, it does not count the time Redis waited for a CPU on a
   * shared machine.
   *
   * @throws IllegalStateException if Redis does not report them
   */
  long mainThreadCpuMicros() {
    double seconds = 0;
    int found = 0;
    for (String line : call(Command.INFO, "cpu").toString().split("\r?\n")) {
      if (line.startsWith("used_cpu_user_main_thread:") || line.startsWith("used_cpu_sys_main_thread:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        found++;
      }
    }
    if (found != 2) {
      throw new IllegalStateException("INFO cpu has no main-thread figures (Redis before 6.2?)");
    }
    return Math.round(seconds * 1_000_000);
  }

  /** {@code redis_version} of {@code INFO server}. */
  String redisVersion() {
    for (String line : call(Command.INFO, "server").toString().split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        return line.substring("redis_version:".length()).trim();
      }
    }
    return "unknown";
  }

  @Override
  public void close() {
    await(connection.close());
    client.close();
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Redis: " + e.getMessage(), e);
    }
  }
}
