package dev.baton.core.error;

/**
 * Every error code of protocol v1 (SPEC section 3), with whether a client may retry the same command
 * unchanged and expect a different answer.
 */
public enum ErrorCode {
  BAD_REQUEST(false),
  UNAUTHENTICATED(false),
  FORBIDDEN(false),
  INVALID_RESOURCE(false),
  NOT_JOINED(false),
  LOCK_HELD(false),
  LOCK_LIMIT(false),
  VIEWER_LIMIT(false),
  JOIN_LIMIT(false),
  NOT_HOLDER(false),
  LOCK_LOST(false),
  TAKEOVER_PENDING(false),
  RATE_LIMITED(true),
  UNAVAILABLE(true),
  INTERNAL(false);

  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether the same command may succeed if sent again later without change. */
  public boolean retryable() {
    return retryable;
  }
}
