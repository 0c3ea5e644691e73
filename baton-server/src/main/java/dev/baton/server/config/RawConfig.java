package dev.baton.server.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration as text, keyed by full path ({@code server.port},
 * {@code policies.types.operation-report.lockTtl}), before any typing or validation. Each layer
 * (defaults, file, environment, flags) writes over the one before. Confined to the loading thread.
 */
final class RawConfig {

  /** Where a value came from. */
  enum Source {
    DEFAULT,
    FILE,
    ENVIRONMENT,
    FLAG
  }

  /**
   * One value.
   *
   * @param text the value as written; null when it was written empty (YAML {@code key:} or an empty
   *     environment variable), which a required key reports as missing
   * @param source the layer that wrote it
   */
  record Setting(String text, Source source) {}

  private final Map<String, Setting> settings = new HashMap<>();
  private final Set<String> policyTypes = new TreeSet<>();

  /** A raw configuration holding the built-in defaults of {@link ConfigKeys}. */
  static RawConfig withDefaults() {
    RawConfig raw = new RawConfig();
    ConfigKeys.DEFAULTS.forEach((key, text) -> raw.put(key, text, Source.DEFAULT));
    return raw;
  }

  /** Writes {@code key}, replacing what an earlier layer wrote. */
  void put(String key, String text, Source source) {
    settings.put(key, new Setting(text, source));
  }

  /** Whether any layer wrote {@code key}. */
  boolean has(String key) {
    return settings.containsKey(key);
  }

  /** The text of {@code key}; null when unset or written empty. */
  String text(String key) {
    Setting s = settings.get(key);
    return s == null ? null : s.text();
  }

  /** The layer that wrote {@code key}; null when unset. */
  Source source(String key) {
    Setting s = settings.get(key);
    return s == null ? null : s.source();
  }

  /** Records a {@code policies.types} entry, even one that sets nothing. */
  void addPolicyType(String type) {
    policyTypes.add(type);
  }

  /** The {@code policies.types} entries, sorted. */
  Set<String> policyTypes() {
    return Collections.unmodifiableSet(policyTypes);
  }
}
