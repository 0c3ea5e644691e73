package dev.baton.core.event;

import dev.baton.core.resource.ResourceId;

/** An event for every member of {@link #resource()}. */
public sealed interface ResourceEvent extends Event
    permits PresenceJoined, PresenceLeft, PresenceChanged, LockStateChanged, PresenceSnapshot {

  ResourceId resource();
}
