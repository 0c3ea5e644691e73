package dev.baton.core.event;

import dev.baton.core.resource.ResourceId;

/** {@code lock.queued}: the session's place in the resource's wait queue changed (1 is next). */
public record LockQueued(String sessionId, ResourceId resource, int position) implements SessionEvent {}
