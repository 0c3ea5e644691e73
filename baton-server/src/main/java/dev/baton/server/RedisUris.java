package dev.baton.server;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * Turns {@code redis.uri} into the Vert.x client's options:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}, {@code rediss://…} (TLS): one server;
 *   <li>{@code redis-socket:///path/to/redis.sock}: one server on a Unix socket;
 *   <li>{@code redis-sentinel://[user:password@]host:port[,host:port…][/db][#master]} (and
 *       {@code rediss-sentinel://}): the master named {@code master} (default {@code mymaster}) as the
 *       listed Sentinels report it, followed across failovers; the credentials are used for the
 *       Sentinels and the master alike.
 * </ul>
 *
 * A standalone URI that lists several hosts (a Redis Cluster) is refused for now (see
 * docs/redis-design.md, "Cluster"). Stateless.
 */
final class RedisUris {

  private RedisUris() {}

  /**
   * @throws IllegalArgumentException for a Cluster URI or a URI without a host; the message never
   *     contains the URI (it may carry a password)
   */
  static RedisOptions options(String uri) {
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd < 0) {
      throw new IllegalArgumentException("redis.uri has no scheme");
    }
    String scheme = uri.substring(0, schemeEnd);
    String rest = uri.substring(schemeEnd + 3);
    switch (scheme) {
      case "redis", "rediss" -> {
        if (hosts(rest).contains(",")) {
          throw new IllegalArgumentException("redis.uri lists several hosts, a Redis Cluster: not supported yet;"
              + " use one server (redis://) or Sentinel (redis-sentinel://host:port,host:port#master)");
        }
        return new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(uri);
      }
      case "redis-socket" -> {
        return new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString("unix://" + rest);
      }
      case "redis-sentinel", "rediss-sentinel" -> {
        String master = "mymaster";
        int hash = rest.indexOf('#');
        if (hash >= 0) {
          master = rest.substring(hash + 1);
          rest = rest.substring(0, hash);
        }
        if (master.isBlank()) {
          throw new IllegalArgumentException("redis.uri names no Sentinel master after #");
        }
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
          userInfo = rest.substring(0, at + 1);
          rest = rest.substring(at + 1);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
          path = rest.substring(slash);
          rest = rest.substring(0, slash);
        }
        if (rest.isBlank()) {
          throw new IllegalArgumentException("redis.uri names no Sentinel host");
        }
        RedisOptions options = new RedisOptions()
            .setType(RedisClientType.SENTINEL)
            .setRole(RedisRole.MASTER)
            .setMasterName(master);
        String endpointScheme = scheme.equals("rediss-sentinel") ? "rediss://" : "redis://";
        for (String host : rest.split(",")) {
          if (!host.isBlank()) {
            options.addConnectionString(endpointScheme + userInfo + host.strip() + path);
          }
        }
        return options;
      }
      default -> throw new IllegalArgumentException("redis.uri scheme " + scheme + " is not supported");
    }
  }

  /** The host part of {@code rest} (after the scheme): without credentials, path, query. */
  private static String hosts(String rest) {
    int at = rest.lastIndexOf('@');
    String h = at >= 0 ? rest.substring(at + 1) : rest;
    int slash = h.indexOf('/');
    return slash >= 0 ? h.substring(0, slash) : h;
  }
}
