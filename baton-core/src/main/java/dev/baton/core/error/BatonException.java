package dev.baton.core.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A refusal with a protocol error code, a human-readable message and optional details that the
 * transport copies into the error reply (for example {@code holder} and {@code remainingMs} of
 * {@link ErrorCode#LOCK_HELD}). Detail values are plain records, strings, numbers and booleans.
 *
 * <p>Immutable and thread-safe.
 */
public final class BatonException extends RuntimeException {

  private final ErrorCode code;
  private final Map<String, Object> details;

  public BatonException(ErrorCode code, String message) {
    this(code, message, Map.of());
  }

  public BatonException(ErrorCode code, String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code);
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra fields of the error reply; never null. */
  public Map<String, Object> details() {
    return details;
  }
}
