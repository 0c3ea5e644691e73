package dev.baton.core.event;

import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;

/** {@code lock.requested}: a member asks the holder ({@code sessionId}) to let it edit. */
public record LockRequested(String sessionId, ResourceId resource, Member by, String message)
    implements SessionEvent {}
