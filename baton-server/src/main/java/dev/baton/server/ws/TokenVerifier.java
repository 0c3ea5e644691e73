package dev.baton.server.ws;

import dev.baton.server.auth.VerifiedToken;

/**
 * Verifies the JWT of a {@code hello} or an {@code auth.refresh}: the caller and the token's expiry.
 * Thread-safe; may block (a JWKS fetch), so the endpoint calls it off the event loop.
 */
@FunctionalInterface
public interface TokenVerifier {

  /**
   * @throws Exception with a message safe to show the client (never the token), when the token is
   *     refused
   */
  VerifiedToken verify(String token) throws Exception;
}
