package dev.baton.server.protocol;

import dev.baton.core.error.ErrorCode;

/**
 * A client message that cannot be parsed into a {@link Command}. {@code re} is the message's id when
 * it could be read, else null. Immutable.
 */
public final class ProtocolException extends RuntimeException {

  private final ErrorCode code;
  private final String re;

  public ProtocolException(ErrorCode code, String re, String message) {
    super(message, null, false, false);
    this.code = code;
    this.re = re;
  }

  public ErrorCode code() {
    return code;
  }

  /** The id of the offending message, or null. */
  public String re() {
    return re;
  }
}
