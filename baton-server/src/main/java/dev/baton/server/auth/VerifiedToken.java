package dev.baton.server.auth;

import dev.baton.core.identity.Principal;
import java.util.Objects;

/**
 * A verified JWT: its caller and when it expires. Immutable and thread-safe.
 *
 * @param principal the caller
 * @param expiresAtMs the token's {@code exp}, epoch milliseconds (JWT NumericDate, so whole seconds)
 */
public record VerifiedToken(Principal principal, long expiresAtMs) {

  /** @throws NullPointerException if {@code principal} is null */
  public VerifiedToken {
    Objects.requireNonNull(principal, "principal");
  }
}
