package dev.baton.server.config;

import dev.baton.core.policy.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Layers the configuration (built-in defaults &lt; YAML file &lt; {@code BATON_*} environment &lt;
 * flags), then types and validates it section by section and applies dev mode. Thread-safe
 * (stateless apart from the {@link SecureRandom}, which is thread-safe).
 */
final class ConfigLoader {

  /** The hosts dev mode may bind. */
  static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "localhost");
  /** Dev mode's host when none was configured. */
  static final String DEV_HOST = "127.0.0.1";

  private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final Duration MAX_NODE_TIMEOUT = Duration.ofMinutes(10);
  private static final Set<String> REDIS_SCHEMES =
      Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster",
          "redis-socket");

  private final SecureRandom random;

  ConfigLoader(SecureRandom random) {
    this.random = Objects.requireNonNull(random);
  }

  /** See {@link BatonConfig#load(Path, Map, Overrides)}. */
  BatonConfig load(Path file, Map<String, String> env, Overrides flags) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(flags, "flags");
    boolean dev = flags.dev();
    RawConfig raw = RawConfig.withDefaults();
    if (file != null) {
      YamlLayer.read(file, raw);
      build(raw, dev, false);
    }
    EnvironmentLayer.read(env, raw);
    build(raw, dev, false);
    applyFlags(flags, raw);
    return build(raw, dev, true);
  }

  /**
   * Types and validates the layers read so far. Called after each layer, so that a bad value is
   * refused even when a later layer overrides it (a typo in the file stays a typo).
   *
   * @param complete whether every layer is in: only then are rules checked that a later layer could
   *     still satisfy (a token key source outside dev mode, a loopback host in dev mode)
   */
  private BatonConfig build(RawConfig raw, boolean dev, boolean complete) {
    StoreConfig store = store(raw);
    return new BatonConfig(
        server(raw, dev && complete),
        store,
        redis(raw, store),
        AuthReader.read(raw, dev || !complete, random),
        audit(raw),
        limits(raw),
        PolicyReader.read(raw),
        dev);
  }

  private static void applyFlags(Overrides flags, RawConfig raw) {
    RawConfig.Source flag = RawConfig.Source.FLAG;
    if (flags.host() != null) {
      raw.put("server.host", flags.host(), flag);
    }
    if (flags.port() != null) {
      raw.put("server.port", flags.port().toString(), flag);
    }
    if (flags.storeType() != null) {
      raw.put("store.type", flags.storeType(), flag);
    }
    if (flags.redisUri() != null) {
      raw.put("redis.uri", flags.redisUri(), flag);
    }
  }

  private static ServerConfig server(RawConfig raw, boolean dev) {
    String host = Values.required("server.host", raw.text("server.host"));
    if (host.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("server.host " + host + " must not contain spaces");
    }
    if (dev) {
      if (raw.source("server.host") == RawConfig.Source.DEFAULT) {
        host = DEV_HOST;
      } else if (!LOOPBACK.contains(host)) {
        throw new ConfigException(
            "server.host " + host + " is not a loopback address: --dev binds only 127.0.0.1, ::1 or"
                + " localhost, because /dev/token mints tokens for anyone who can reach it");
      }
    }
    return new ServerConfig(
        host,
        Values.integer("server.port", raw.text("server.port"), 0, 65_535),
        Values.integer("server.maxFrameBytes", raw.text("server.maxFrameBytes"), 1024, Integer.MAX_VALUE),
        Values.positiveDuration("server.helloTimeout", raw.text("server.helloTimeout")),
        Values.positiveDuration("server.pingInterval", raw.text("server.pingInterval")),
        Values.positiveDuration("server.pingTimeout", raw.text("server.pingTimeout")),
        Values.autoOrInteger("server.eventLoops", raw.text("server.eventLoops"), ServerConfig.autoEventLoops(), 1,
            ServerConfig.MAX_EVENT_LOOPS),
        TlsReader.read(raw));
  }

  private static StoreConfig store(RawConfig raw) {
    return new StoreConfig(
        Values.choice("store.type", raw.text("store.type"), StoreType.class),
        Values.positiveDuration("store.sweepInterval", raw.text("store.sweepInterval")),
        path("store.tokenFile", raw));
  }

  private static AuditConfig audit(RawConfig raw) {
    return new AuditConfig(
        path("audit.file", raw),
        Values.positiveDuration("audit.fsyncInterval", raw.text("audit.fsyncInterval")),
        Values.longInteger("audit.maxFileBytes", raw.text("audit.maxFileBytes"), AuditConfig.MIN_FILE_BYTES,
            Long.MAX_VALUE));
  }

  private static LimitsConfig limits(RawConfig raw) {
    int perSecond = Values.integer("limits.messagesPerSecond", raw.text("limits.messagesPerSecond"), 1,
        Integer.MAX_VALUE);
    int burst = Values.integer("limits.messageBurst", raw.text("limits.messageBurst"), 1, Integer.MAX_VALUE);
    if (burst < perSecond) {
      throw new ConfigException("limits.messageBurst " + burst + " must be at least limits.messagesPerSecond "
          + perSecond + " (a bucket smaller than one second's refill would refuse a steady client)");
    }
    return new LimitsConfig(
        perSecond,
        burst,
        Values.integer("limits.rejectionsBeforeClose", raw.text("limits.rejectionsBeforeClose"), 1,
            Integer.MAX_VALUE),
        Values.integer("limits.sessionsPerUser", raw.text("limits.sessionsPerUser"), 1, Integer.MAX_VALUE),
        Values.integer("limits.connectionsPerNode", raw.text("limits.connectionsPerNode"), 1, Integer.MAX_VALUE),
        Values.integer("limits.outboundQueueBytes", raw.text("limits.outboundQueueBytes"),
            LimitsConfig.MIN_OUTBOUND_QUEUE_BYTES, Integer.MAX_VALUE));
  }

  private static RedisConfig redis(RawConfig raw, StoreConfig store) {
    String uri = Values.required("redis.uri", raw.text("redis.uri"));
    int colon = uri.indexOf("://");
    if (colon < 0 || !REDIS_SCHEMES.contains(uri.substring(0, colon))) {
      // The URI may carry a password: name the scheme rule, not the value.
      throw new ConfigException(
          "redis.uri must start with redis://, rediss://, redis-sentinel://, rediss-sentinel://,"
              + " redis-cluster://, rediss-cluster:// or redis-socket://");
    }
    String prefix = Values.required("redis.keyPrefix", raw.text("redis.keyPrefix"));
    if (!KEY_PREFIX.matcher(prefix).matches()) {
      throw new ConfigException(
          "redis.keyPrefix " + prefix + " must match " + KEY_PREFIX.pattern()
              + " (no braces: they would break the {type:id} hash tag)");
    }
    Duration nodeTimeout = Values.positiveDuration("redis.nodeTimeout", raw.text("redis.nodeTimeout"));
    Duration least = store.sweepInterval().multipliedBy(3);
    if (nodeTimeout.compareTo(least) < 0) {
      throw new ConfigException("redis.nodeTimeout " + Durations.format(nodeTimeout)
          + " must be at least three times store.sweepInterval " + Durations.format(store.sweepInterval()) + " = "
          + Durations.format(least) + " (a node beats once per sweep)");
    }
    if (nodeTimeout.compareTo(MAX_NODE_TIMEOUT) > 0) {
      throw new ConfigException("redis.nodeTimeout " + Durations.format(nodeTimeout) + " must be at most "
          + Durations.format(MAX_NODE_TIMEOUT) + " (the sessions of a dead node stay online that long)");
    }
    return new RedisConfig(uri, prefix, nodeTimeout);
  }

  private static Path path(String key, RawConfig raw) {
    String text = Values.required(key, raw.text(key));
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " " + text + " is not a valid path: " + e.getReason(), e);
    }
  }
}
