package dev.baton.server.config;

/**
 * Invalid configuration: the server refuses to start. The message names the full key path (for
 * example {@code policies.types.operation-report.lockTtl}), the offending value and the rule it
 * breaks; secrets are never echoed. Nothing is ever corrected silently.
 *
 * <p>Unchecked so that it can leave constructors and lambdas; immutable and thread-safe.
 */
public final class ConfigException extends RuntimeException {

  /**
   * @param message the key path, the value and the rule, e.g. {@code server.port 70000 must be
   *     between 0 and 65535}
   */
  public ConfigException(String message) {
    super(message);
  }

  /**
   * @param message the key path, the value and the rule
   * @param cause the underlying failure (an I/O or parse error)
   */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
