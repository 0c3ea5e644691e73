package dev.baton.server.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code BATON_*} environment variables into a {@link RawConfig}, one variable per scalar key
 * outside {@code policies.types} (see {@link ConfigKeys#envName}). Thread-safe (stateless).
 */
final class EnvironmentLayer {

  private static final String PREFIX = "BATON_";

  private EnvironmentLayer() {}

  /**
   * Writes every {@code BATON_*} variable of {@code env} into {@code raw}; other variables are ignored.
   * An empty value counts as written empty: an optional key becomes unset, a required one missing.
   *
   * @throws ConfigException naming the first (alphabetically) {@code BATON_*} variable that maps to no key
   */
  static void read(Map<String, String> env, RawConfig raw) {
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String key = ConfigKeys.ENV_NAMES.get(name);
      if (key == null) {
        String hint =
            name.startsWith("BATON_POLICIES_TYPES")
                ? " (per-type policies are set in the config file only)"
                : name.equals("BATON_DEV") ? " (dev mode is set by the --dev flag only)" : "";
        throw new ConfigException(
            "unknown environment variable " + name + ": it maps to no configuration key" + hint);
      }
      String value = e.getValue();
      raw.put(key, value == null || value.isEmpty() ? null : value, RawConfig.Source.ENVIRONMENT);
    }
  }
}
