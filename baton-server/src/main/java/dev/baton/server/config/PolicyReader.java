package dev.baton.server.config;

import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policies;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverMode;
import dev.baton.core.policy.TakeoverPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds {@link Policies} from the {@code policies} keys: the default policy first, then each type,
 * which inherits every key it does not set (nested takeover keys included) from the default.
 * Cross-field rules are {@link Policy}'s own; its messages are prefixed with the section path.
 * Thread-safe (stateless).
 */
final class PolicyReader {

  private static final String UNLIMITED = "unlimited";

  private PolicyReader() {}

  /**
   * @throws ConfigException naming the full key path of the first invalid value
   */
  static Policies read(RawConfig raw) {
    String defaults = ConfigKeys.DEFAULT_POLICY;
    Policy defaultPolicy = build(defaults, rel -> raw.text(defaults + "." + rel));
    Map<String, Policy> byType = new LinkedHashMap<>();
    for (String type : raw.policyTypes()) {
      String section = ConfigKeys.TYPES + "." + type;
      byType.put(
          type,
          build(
              section,
              rel -> {
                String own = section + "." + rel;
                return raw.has(own) ? raw.text(own) : raw.text(defaults + "." + rel);
              }));
    }
    return new Policies(defaultPolicy, byType);
  }

  /**
   * @param section the path of the policy, e.g. {@code policies.types.operation-report}
   * @param text the raw text of each key relative to the section
   */
  private static Policy build(String section, UnaryOperator<String> text) {
    UnaryOperator<String> key = rel -> section + "." + rel;
    Duration lockTtl = Values.duration(key.apply("lockTtl"), text.apply("lockTtl"));
    Duration heartbeat =
        Values.duration(key.apply("heartbeatInterval"), text.apply("heartbeatInterval"));
    Duration grace = Values.duration(key.apply("disconnectGrace"), text.apply("disconnectGrace"));
    Duration warning = Values.duration(key.apply("expiryWarning"), text.apply("expiryWarning"));
    int maxLocks =
        Values.wholeNumber(
            key.apply("maxLocksPerUserPerDocument"), text.apply("maxLocksPerUserPerDocument"));
    int maxViewers = maxViewers(key.apply("maxViewers"), text.apply("maxViewers"));
    int maxJoins =
        Values.wholeNumber(key.apply("maxJoinsPerSession"), text.apply("maxJoinsPerSession"));
    Conflict conflict = Values.choice(key.apply("conflict"), text.apply("conflict"), Conflict.class);
    TakeoverMode mode =
        Values.choice(key.apply("takeover.mode"), text.apply("takeover.mode"), TakeoverMode.class);
    Duration timeout =
        Values.duration(key.apply("takeover.timeout"), text.apply("takeover.timeout"));
    boolean allowDecline =
        Values.bool(key.apply("takeover.allowDecline"), text.apply("takeover.allowDecline"));
    try {
      return new Policy(
          lockTtl,
          heartbeat,
          grace,
          warning,
          maxLocks,
          maxViewers,
          maxJoins,
          conflict,
          new TakeoverPolicy(mode, timeout, allowDecline));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(section + "." + e.getMessage(), e);
    }
  }

  private static int maxViewers(String key, String text) {
    String t = Values.required(key, text);
    if (t.equals(UNLIMITED)) {
      return Policy.UNLIMITED;
    }
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " " + t + " must be a whole number or unlimited", e);
    }
  }
}
