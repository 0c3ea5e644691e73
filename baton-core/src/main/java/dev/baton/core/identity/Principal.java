package dev.baton.core.identity;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller, taken from a verified JWT. Immutable and thread-safe.
 *
 * @param userId the JWT's {@code sub}
 * @param name the display name ("Dr. Smith"); the user id when the token has none
 * @param roles role names; compared with the configured admin, emergency and service roles
 * @param access what the caller may view and edit
 */
public record Principal(String userId, String name, Set<String> roles, AccessRules access) {

  public Principal {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(name, "name");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(access, "access");
  }

  /** Whether the caller has {@code role}. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
