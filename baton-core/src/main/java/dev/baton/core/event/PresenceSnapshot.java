package dev.baton.core.event;

import dev.baton.core.model.Presence;
import dev.baton.core.resource.ResourceId;

/**
 * {@code presence {resource, version, members}} pushed without {@code re}: the whole member list of a
 * resource, the same shape as the reply to {@code presence.sync}. A node pushes it, with a fresh
 * {@code lock.state}, to its members of a resource after it resynchronized that resource (it missed
 * events of another node, or its connection to the store's event channels was restored), so that a
 * client never has to trust an incremental history with a hole in it. Stores never publish it; the
 * {@link dev.baton.core.engine.Hub} sends it ({@code Hub.resync}).
 */
public record PresenceSnapshot(ResourceId resource, Presence presence) implements ResourceEvent {}
