package dev.baton.server;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code redis.uri} into the Vert.x client's options:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}, {@code rediss://…} (TLS): one server;
 *   <li>{@code redis-socket:///path/to/redis.sock}: one server on a Unix socket;
 *   <li>{@code redis-sentinel://[user:password@]host:port[,host:port…][/db][#master]} (and
 *       {@code rediss-sentinel://}): the master named {@code master} (default {@code mymaster}) as the
 *       listed Sentinels report it, followed across failovers; the credentials are used for the
 *       Sentinels and the master alike;
 *   <li>{@code redis-cluster://[user:password@]host:port[,host:port…]} (and {@code rediss-cluster://}):
 *       a Redis Cluster; the listed nodes are seeds, the client learns every master from them ({@code
 *       CLUSTER SLOTS}); the credentials are used for every node. No database number (a Cluster has
 *       only database 0).
 * </ul>
 *
 * A {@code redis://} URI that lists several hosts is refused with a hint to the Cluster and
 * Sentinel forms (it is ambiguous). {@link #cluster} tells the server which key layout to use.
 * Stateless.
 */
final class RedisUris {

  private RedisUris() {}

  /** Whether {@code options} (from {@link #options}) reach a Redis Cluster. */
  static boolean cluster(RedisOptions options) {
    return options.getType() == RedisClientType.CLUSTER;
  }

  /**
   * @throws IllegalArgumentException for several hosts in a {@code redis://} URI, a URI without a
   *     host, a Cluster URI with a database; the message never contains the URI (it may carry a
   *     password)
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
          throw new IllegalArgumentException("redis.uri redis:// lists several hosts; for a Redis Cluster use"
              + " redis-cluster://host:port,host:port, for Sentinel redis-sentinel://host:port,host:port#master");
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
      case "redis-cluster", "rediss-cluster" -> {
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
          userInfo = rest.substring(0, at + 1);
          rest = rest.substring(at + 1);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
          String path = rest.substring(slash);
          if (!path.equals("/") && !path.equals("/0")) {
            throw new IllegalArgumentException("redis.uri names a database: a Redis Cluster has only database 0");
          }
          rest = rest.substring(0, slash);
        }
        String endpointScheme = scheme.equals("rediss-cluster") ? "rediss://" : "redis://";
        List<String> seeds = new ArrayList<>();
        for (String host : rest.split(",")) {
          if (!host.isBlank()) {
            seeds.add(endpointScheme + userInfo + host.strip());
          }
        }
        if (seeds.isEmpty()) {
          throw new IllegalArgumentException("redis.uri names no Redis Cluster node");
        }
        return new RedisOptions().setType(RedisClientType.CLUSTER).setEndpoints(seeds);
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
