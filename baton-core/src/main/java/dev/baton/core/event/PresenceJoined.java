package dev.baton.core.event;

import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;

/** {@code presence.joined}: a member joined; {@code version} is the resource's new presence version. */
public record PresenceJoined(ResourceId resource, long version, Member member) implements ResourceEvent {}
