package dev.baton.core.event;

import dev.baton.core.model.LeaveReason;

/**
 * A session ended: after {@code bye} ({@link LeaveReason#BYE}) or when its disconnect grace ran out
 * ({@link LeaveReason#DISCONNECTED}; {@link LeaveReason#EXPIRED} on the Redis store when its node had
 * died). Published once per session, after the {@code presence.left} of
 * each of its memberships; the session can no longer be resumed. Not sent to clients: it is for the
 * audit trail and for bookkeeping that follows sessions.
 *
 * @param userId the session's user
 * @param reason why it ended
 */
public record SessionEnded(String sessionId, String userId, LeaveReason reason) implements SessionEvent {}
