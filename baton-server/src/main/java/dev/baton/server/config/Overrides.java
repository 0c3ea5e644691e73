package dev.baton.server.config;

/**
 * The command-line flags of {@code baton serve}, the last and strongest configuration layer. A null
 * component means the flag was not given. Immutable and thread-safe.
 *
 * @param host {@code --host}: {@code server.host}
 * @param port {@code --port}: {@code server.port}
 * @param dev {@code --dev}: dev mode (loopback only, random HMAC secret when none is configured,
 *     {@code /dev/token} and {@code /demo/}); only settable by this flag, never by file or environment
 * @param storeType {@code --store}: {@code store.type}, {@code memory} or {@code redis} (validated on load)
 * @param redisUri {@code --redis-uri}: {@code redis.uri}
 */
public record Overrides(String host, Integer port, boolean dev, String storeType, String redisUri) {

  /** No flags given. */
  public static Overrides none() {
    return new Overrides(null, null, false, null, null);
  }
}
