package dev.baton.core.event;

import dev.baton.core.model.Holder;
import dev.baton.core.resource.ResourceId;

/**
 * {@code lock.revoked}: the lock was taken from the session; {@code token} is no longer valid.
 *
 * @param by who took it: another tab of the same user, the admin of a takeover or force release
 * @param reason the stated reason
 */
public record LockRevoked(String sessionId, ResourceId resource, long token, Holder by, String reason)
    implements SessionEvent {}
