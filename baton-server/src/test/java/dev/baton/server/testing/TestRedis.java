package dev.baton.server.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import redis.embedded.RedisServer;

/**
 * A real Redis 7 (the embedded binary of {@code org.signal:embedded-redis}) on a free loopback port,
 * with an append-only file in its own temporary folder, so that it can be stopped (SIGTERM: the file
 * is flushed) and started again with its data, like a production Redis with AOF. Tests share one per
 * class and give each cluster of nodes its own {@link #newPrefix() key prefix}.
 */
public final class TestRedis implements AutoCloseable {

  private final int port;
  private final Path dir;
  private RedisServer server;

  private TestRedis() {
    try {
      this.port = freePort();
      this.dir = Files.createTempDirectory("baton-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a Redis on a free port. */
  public static TestRedis start() {
    TestRedis r = new TestRedis();
    r.up();
    return r;
  }

  /** The port it listens on (the same after {@link #down()} and {@link #up()}). */
  public int port() {
    return port;
  }

  /** A fresh key prefix, so that every test sees an empty Redis. */
  public static String newPrefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Starts it (again), with the data it had. */
  public synchronized void up() {
    server = RedisServer.builder()
        .port(port)
        .setting("bind 127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly yes")
        .setting("appendfsync everysec")
        .setting("dir " + dir.toAbsolutePath())
        .build();
    server.start();
  }

  /** Stops it (SIGTERM); its data stays in the append-only file. */
  public synchronized void down() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  /**
   * {@code FLUSHALL}: every key of every prefix is gone, as after a Redis that restarted without its
   * data. Only for a test that has this Redis to itself.
   */
  public void flushAll() {
    Vertx vertx = Vertx.vertx();
    try {
      Redis.createClient(vertx, "redis://127.0.0.1:" + port).send(Request.cmd(Command.FLUSHALL))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("FLUSHALL failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      vertx.close();
    }
  }

  @Override
  public void close() {
    down();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
