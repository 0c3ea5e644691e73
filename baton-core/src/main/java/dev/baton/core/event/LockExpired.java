package dev.baton.core.event;

import dev.baton.core.resource.ResourceId;

/** {@code lock.expired}: the session's lock ran out of time; {@code token} is no longer valid. */
public record LockExpired(String sessionId, ResourceId resource, long token) implements SessionEvent {}
