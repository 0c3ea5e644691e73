package dev.baton.core.event;

import dev.baton.core.model.TakeoverState;
import dev.baton.core.resource.ResourceId;

/**
 * {@code takeover.requested}: an admin will take the holder's ({@code sessionId}) lock at the deadline
 * unless the holder releases or accepts first.
 */
public record TakeoverRequested(String sessionId, ResourceId resource, TakeoverState takeover, String reason)
    implements SessionEvent {}
