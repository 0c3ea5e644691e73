package dev.baton.server.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code server} section: where to listen and the WebSocket limits. Immutable and thread-safe;
 * values are validated by {@link BatonConfig#load}, the constructor only rejects nulls.
 *
 * @param host the address to bind ({@code 0.0.0.0} by default; loopback in dev mode)
 * @param port the TCP port, 0..65535; 0 binds any free port (tests)
 * @param maxFrameBytes the largest accepted WebSocket frame in bytes, at least 1024; larger ones are
 *     closed with 1009
 * @param helloTimeout how long a new connection has to send {@code hello}; positive
 * @param pingInterval how often the server sends a WebSocket ping; positive
 * @param pingTimeout how long a ping may go unanswered before the connection is closed; positive
 * @param eventLoops the size of the Vert.x event-loop pool, 1..{@value #MAX_EVENT_LOOPS}; {@code auto}
 *     in the file is {@link #autoEventLoops()}
 * @param tls native TLS ({@code server.tls.*}), or empty for plain HTTP (TLS ended in front)
 */
public record ServerConfig(
    String host,
    int port,
    int maxFrameBytes,
    Duration helloTimeout,
    Duration pingInterval,
    Duration pingTimeout,
    int eventLoops,
    Optional<TlsConfig> tls) {

  /** The most event loops accepted: far more than any machine's cores, so a larger value is a typo. */
  public static final int MAX_EVENT_LOOPS = 1024;

  /**
   * What {@code server.eventLoops: auto} means: one event loop per processor available to the JVM
   * (docs/decisions.md, "Event loops").
   */
  public static int autoEventLoops() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** @throws NullPointerException if a reference component is null */
  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(helloTimeout, "helloTimeout");
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(tls, "tls");
  }
}
