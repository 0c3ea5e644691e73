package dev.baton.core.engine;

import java.util.Objects;

/**
 * The configured role names that unlock privileged commands. Immutable.
 *
 * @param admin may request takeovers and force-release locks
 * @param emergency may break the glass: {@code lock.takeover {force: true}}
 */
public record Roles(String admin, String emergency) {

  public Roles {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(emergency, "emergency");
  }
}
