package dev.baton.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.server.config.AuthConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns verified claims into a {@link Principal}: {@code sub} is the user id, the name claim the
 * display name (else {@code sub}), the roles claim the roles, the resources claim the access (else the
 * configured default access). Thread-safe (immutable).
 */
final class PrincipalReader {

  private static final Pattern ROLE_SEPARATORS = Pattern.compile("[\\s,]+");

  private final AuthConfig config;

  PrincipalReader(AuthConfig config) {
    this.config = Objects.requireNonNull(config);
  }

  /**
   * @param claims claims already verified by {@link ClaimsCheck} (so {@code sub} is set)
   * @throws AuthenticationException if the roles or resources claim has the wrong shape
   */
  Principal read(JWTClaimsSet claims) {
    String sub = claims.getSubject();
    Object name = claims.getClaim(config.nameClaim());
    String displayName = name instanceof String s && !s.isBlank() ? s : sub;
    Object resources = claims.getClaim(config.resourcesClaim());
    AccessRules access =
        resources == null
            ? AccessRules.uniform(config.defaultAccess())
            : ResourceClaims.parse(resources);
    return new Principal(sub, displayName, roles(claims.getClaim(config.rolesClaim())), access);
  }

  private static Set<String> roles(Object claim) {
    Set<String> roles = new LinkedHashSet<>();
    if (claim == null) {
      return roles;
    }
    if (claim instanceof String text) {
      for (String role : ROLE_SEPARATORS.split(text.trim())) {
        if (!role.isEmpty()) {
          roles.add(role);
        }
      }
      return roles;
    }
    if (claim instanceof List<?> list) {
      for (Object role : list) {
        if (!(role instanceof String s)) {
          throw new AuthenticationException("roles claim must hold strings only");
        }
        roles.add(s);
      }
      return roles;
    }
    throw new AuthenticationException("roles claim must be a list of strings or a string");
  }
}
