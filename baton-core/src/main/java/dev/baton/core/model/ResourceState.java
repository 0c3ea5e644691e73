package dev.baton.core.model;

import dev.baton.core.resource.ResourceId;

/**
 * A resource's lock and presence at one instant, as seen by one session or a service. Immutable.
 *
 * @param resource the normalized id
 * @param role the viewing session's role, or null for a service view
 * @param lock the lock, the token shown only to its holder (or a service)
 * @param presence the members
 */
public record ResourceState(ResourceId resource, Role role, LockState lock, Presence presence) {}
