package dev.baton.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import redis.embedded.RedisServer;

/**
 * The Redis 7 binary that {@code org.signal:embedded-redis} ships, started on 127.0.0.1 with no
 * persistence, as the tests start it. The benchmarks use it so that every peer talks to the same
 * Redis build. Run as a program it keeps one running until killed, for the two-node runs:
 * {@code java -cp baton-bench/target/benchmarks.jar dev.baton.bench.peers.EmbeddedRedis 6390}.
 * Not thread-safe.
 */
final class EmbeddedRedis implements AutoCloseable {

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(int port) {
    this.port = port;
    this.server = RedisServer.builder()
        .port(port)
        .setting("bind 127.0.0.1")
        .setting("save \"\"")
        .setting("appendonly no")
        .build();
  }

  /**
   * Starts a Redis on {@code port} (0: a free one).
   *
   * @throws IllegalStateException if the binary does not start
   */
  static EmbeddedRedis start(int port) {
    EmbeddedRedis r = new EmbeddedRedis(port == 0 ? freePort() : port);
    try {
      r.server.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("embedded Redis did not start on port " + r.port, e);
    }
    return r;
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:port}. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.stop();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts one Redis on the port given as the only argument and waits until the process is killed
   * (the Redis child is stopped by a shutdown hook).
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: EmbeddedRedis PORT");
      System.exit(2);
    }
    EmbeddedRedis redis = start(Integer.parseInt(args[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
    System.out.println("redis " + redis.uri());
    new CountDownLatch(1).await();
  }
}
