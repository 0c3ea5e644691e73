package dev.baton.core.audit;

/**
 * What an audit record is about (SPEC section 6), with the name written in its {@code event} field.
 * Immutable.
 */
public enum AuditEvent {
  /** A session was opened ({@code hello} without a usable resume token). */
  SESSION_START("session.start"),
  /** A session was resumed within its grace. */
  SESSION_RESUME("session.resume"),
  /** A session ended; reason {@code bye} or {@code disconnected}. */
  SESSION_END("session.end"),
  /** A session joined a resource (viewing a record is access to it). */
  JOIN("join"),
  /** A session left a resource; reason {@code left}, {@code bye}, {@code disconnected} or {@code expired}. */
  LEAVE("leave"),
  /** A lock was granted (acquire, join in edit mode, queue hand-off, takeover); with its token. */
  GRANT("grant"),
  /** A join, acquire or takeover was refused or downgraded; reason = the error code. */
  DENIAL("denial"),
  /** A lock was released by its holder (release, leave, bye, end of grace). */
  RELEASE("release"),
  /** A lock ran out of time. */
  EXPIRY("expiry"),
  /** A lock was taken from its holder; actor = who took it, with the stated reason. */
  REVOCATION("revocation"),
  /** An admin asked for the holder's lock (takeover in request mode); actor = the admin. */
  TAKEOVER_REQUEST("takeover.request"),
  /** Break-glass: an emergency user took the lock at once, with the stated reason. */
  TAKEOVER_FORCE("takeover.force"),
  /** An admin force-released a lock over HTTP, with the stated reason. */
  FORCE_RELEASE("force-release");

  private final String wireName;

  AuditEvent(String wireName) {
    this.wireName = wireName;
  }

  /** The name written in the record's {@code event} field, e.g. {@code session.start}. */
  public String wireName() {
    return wireName;
  }
}
