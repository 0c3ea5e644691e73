package dev.baton.server.config;

import dev.baton.core.policy.Policies;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;

/**
 * The whole, validated configuration of a Baton node (SPEC section 5). Immutable and thread-safe.
 *
 * <p>Build it with {@link #load}: values come from four layers, each overriding the one before:
 * built-in defaults, the YAML file, {@code BATON_*} environment variables, command-line flags. Any
 * invalid value stops start-up with a {@link ConfigException} naming the key; nothing is corrected.
 *
 * @param server the {@code server} section
 * @param store the {@code store} section
 * @param redis the {@code redis} section (read and validated even when the memory store is used)
 * @param auth the {@code auth} section; in dev mode it always has an HMAC secret
 * @param audit the {@code audit} section
 * @param limits the {@code limits} section (abuse limits)
 * @param policies the default policy and every per-type policy, already merged with the default
 * @param dev whether {@code --dev} was given: loopback host, dev endpoints on
 */
public record BatonConfig(
    ServerConfig server,
    StoreConfig store,
    RedisConfig redis,
    AuthConfig auth,
    AuditConfig audit,
    LimitsConfig limits,
    Policies policies,
    boolean dev) {

  /** @throws NullPointerException if a section is null */
  public BatonConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(policies, "policies");
  }

  /**
   * Loads, layers and validates the configuration. Reads the file (and the public-key and TLS files
   * it names); does no other I/O.
   *
   * <p>Environment variables are named {@code BATON_} plus each key segment in upper snake case
   * ({@code BATON_SERVER_MAX_FRAME_BYTES}, {@code BATON_POLICIES_DEFAULT_LOCK_TTL}); per-type policies
   * can be set in the file only. An empty variable unsets an optional key. Variables not starting with
   * {@code BATON_} are ignored.
   *
   * <p>Dev mode ({@link Overrides#dev()}): the host defaults to {@code 127.0.0.1} and must be
   * loopback ({@code 127.0.0.1}, {@code ::1} or {@code localhost}); no token key source is required;
   * without a configured HMAC secret a random 256-bit one is generated (tokens then come from
   * {@code POST /dev/token} only, and do not survive a restart).
   *
   * @param configFile the YAML file of {@code --config}, or null for none
   * @param env the process environment (pass {@code System.getenv()}; tests pass their own map)
   * @param flags the command-line flags; {@link Overrides#none()} for none
   * @return the validated configuration
   * @throws ConfigException naming the key path, the value and the rule of the first problem found:
   *     an unreadable or malformed file, an unknown key or {@code BATON_*} variable, a bad value, or
   *     no token key source outside dev mode
   */
  public static BatonConfig load(Path configFile, Map<String, String> env, Overrides flags) {
    return new ConfigLoader(new SecureRandom()).load(configFile, env, flags);
  }
}
