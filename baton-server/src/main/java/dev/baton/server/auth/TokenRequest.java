package dev.baton.server.auth;

import dev.baton.core.identity.Access;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TokenMinter} puts into a token. Immutable and thread-safe.
 *
 * @param subject the {@code sub}, the user id; not blank
 * @param name the display name, or null to leave the name claim out (the user id is then shown)
 * @param roles the roles claim; may be empty
 * @param resources the resources claim (keys {@code type:*}, {@code type:id}, {@code type:id:child}),
 *     or null to leave it out so that the server's default access applies
 * @param ttl how long the token is valid from now; positive
 */
public record TokenRequest(
    String subject, String name, List<String> roles, Map<String, Access> resources, Duration ttl) {

  /**
   * @throws NullPointerException if {@code subject}, {@code roles} or {@code ttl} is null
   * @throws IllegalArgumentException if the subject, a role or a given name is blank, or the ttl is
   *     not positive
   */
  public TokenRequest {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be blank");
    }
    roles = List.copyOf(roles);
    if (roles.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("roles must not be blank");
    }
    if (name != null && name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank (leave it out instead)");
    }
    resources = resources == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
  }
}
