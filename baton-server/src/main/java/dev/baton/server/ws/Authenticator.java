package dev.baton.server.ws;

import dev.baton.core.identity.Principal;

/** Turns the JWT of a {@code hello} or an HTTP bearer header into a caller. Thread-safe. */
@FunctionalInterface
public interface Authenticator {

  /**
   * @throws Exception with a message safe to show the client, when the token is refused
   */
  Principal authenticate(String token) throws Exception;
}
