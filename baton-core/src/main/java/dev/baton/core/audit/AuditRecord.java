package dev.baton.core.audit;

import dev.baton.core.resource.ResourceId;
import java.util.Objects;

/**
 * One entry of the audit trail, before the trail numbers, stamps and chains it ({@code seq}, {@code
 * ts}, {@code node}, {@code prev}, {@code hash} are the writer's). Any field but {@code event} may be
 * null when it does not apply. It never holds a JWT or a resume token: only the fencing token of the
 * lock concerned, which is not a secret (the storage layer compares it). Immutable.
 *
 * @param event what happened
 * @param resource the resource concerned, or null (session records)
 * @param userId the user whose session or lock it is about (the holder, the member, the session's user)
 * @param sessionId that user's session
 * @param token the fencing token of the lock concerned
 * @param actor the user who caused it when it is somebody else (or, for break-glass and force
 *     release, the user acting)
 * @param reason a leave or end reason ({@code bye}), an error code for a denial ({@code LOCK_HELD}), or
 *     the reason a person stated
 */
public record AuditRecord(
    AuditEvent event,
    ResourceId resource,
    String userId,
    String sessionId,
    Long token,
    String actor,
    String reason) {

  /** @throws NullPointerException if {@code event} is null */
  public AuditRecord {
    Objects.requireNonNull(event, "event");
  }
}
