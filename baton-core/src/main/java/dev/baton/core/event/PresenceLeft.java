package dev.baton.core.event;

import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;

/** {@code presence.left}: a member left, for {@code reason}. */
public record PresenceLeft(ResourceId resource, long version, Member member, LeaveReason reason)
    implements ResourceEvent {}
