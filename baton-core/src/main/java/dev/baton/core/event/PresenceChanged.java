package dev.baton.core.event;

import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;

/** {@code presence.changed}: a member's role or status changed. */
public record PresenceChanged(ResourceId resource, long version, Member member)
    implements ResourceEvent {}
