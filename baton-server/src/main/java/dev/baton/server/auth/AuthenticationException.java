package dev.baton.server.auth;

/**
 * A token was refused. The message is short and safe to send to the client ({@code "token expired"},
 * {@code "invalid signature"}); it never contains the token. No cause is attached, so that no library
 * message quoting parts of the token reaches a log. The transport answers {@code UNAUTHENTICATED}.
 *
 * <p>Unchecked, so that it passes through futures and lambdas; immutable and thread-safe.
 */
public final class AuthenticationException extends RuntimeException {

  /** @param message why the token was refused, without the token */
  public AuthenticationException(String message) {
    super(message, null, false, false);
  }
}
