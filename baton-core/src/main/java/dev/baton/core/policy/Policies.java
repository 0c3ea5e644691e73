package dev.baton.core.policy;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The default policy and the per-type policies, each already merged with the default field by field
 * by whoever read the configuration. Immutable and thread-safe.
 */
public final class Policies {

  private final Policy defaults;
  private final Map<String, Policy> byType;

  /**
   * @param defaults the policy of every type without its own entry
   * @param byType complete policies by resource type
   */
  public Policies(Policy defaults, Map<String, Policy> byType) {
    this.defaults = Objects.requireNonNull(defaults);
    this.byType = Map.copyOf(byType);
  }

  /** Only the SPEC defaults. */
  public static Policies defaults() {
    return new Policies(Policy.DEFAULT, Map.of());
  }

  /** The policy of {@code type}: its own entry, else the default. */
  public Policy forType(String type) {
    return byType.getOrDefault(type, defaults);
  }

  /** The default policy. */
  public Policy defaultPolicy() {
    return defaults;
  }

  /**
   * The shortest heartbeat interval of all policies: what a client that may hold locks of any type
   * must keep to, announced in {@code welcome.heartbeatMs}.
   */
  public Duration shortestHeartbeat() {
    Duration shortest = defaults.heartbeatInterval();
    for (Policy p : byType.values()) {
      if (p.heartbeatInterval().compareTo(shortest) < 0) {
        shortest = p.heartbeatInterval();
      }
    }
    return shortest;
  }

  /** The per-type policies, by type. */
  public Map<String, Policy> types() {
    return byType;
  }
}
