package dev.baton.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code redis} section, used when {@code store.type} is redis. Immutable and thread-safe.
 *
 * @param uri a Redis URI as the client understands it ({@code redis://}, {@code rediss://},
 *     {@code redis-sentinel://}, {@code redis-cluster://}, {@code redis-socket://}; see RedisUris);
 *     default {@code redis://127.0.0.1:6379}. May carry a password: do not log it.
 * @param keyPrefix the first segment of every key (default {@code baton}); letters, digits and
 *     {@code _.:-} only, so it can never contain a hash tag brace
 * @param nodeTimeout a node whose heartbeat (one per {@code store.sweepInterval}) is older than this
 *     is declared dead by the other nodes: its sessions go away and their grace starts (default 5 s;
 *     at least three sweep intervals, at most 10 minutes)
 */
public record RedisConfig(String uri, String keyPrefix, Duration nodeTimeout) {

  /** The default {@code redis.nodeTimeout}. */
  public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(5);

  /** @throws NullPointerException if a component is null */
  public RedisConfig {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(nodeTimeout, "nodeTimeout");
  }

  /** The record without the URI's user info (password), for logs. */
  @Override
  public String toString() {
    return "RedisConfig[uri=" + uri.replaceAll("//[^@/]*@", "//***@") + ", keyPrefix=" + keyPrefix
        + ", nodeTimeout=" + nodeTimeout + "]";
  }
}
