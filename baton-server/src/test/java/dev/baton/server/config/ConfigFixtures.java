package dev.baton.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Shared helpers of the configuration tests. */
final class ConfigFixtures {

  /** A valid HS256 secret (32 bytes). */
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** An environment with just a valid secret, so that non-dev loads pass the auth rule. */
  static final Map<String, String> ENV = Map.of("BATON_AUTH_HMAC_SECRET", SECRET);

  private ConfigFixtures() {}

  /** Writes {@code yaml} to {@code dir/baton.yaml}. */
  static Path yaml(Path dir, String yaml) {
    try {
      return Files.writeString(dir.resolve("baton.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #ENV} plus {@code more}. */
  static Map<String, String> env(String... more) {
    Map<String, String> env = new HashMap<>(ENV);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** Loads {@code yaml} with {@link #ENV} and no flags. */
  static BatonConfig load(Path dir, String yaml) {
    return BatonConfig.load(yaml(dir, yaml), ENV, Overrides.none());
  }
}
