package dev.baton.core.event;

import dev.baton.core.model.LockState;
import dev.baton.core.resource.ResourceId;

/**
 * {@code lock.state}: the lock changed (grant, release, expiry, revocation, renewal, grace, queue or
 * takeover). {@code lock} carries the token; the transport shows it to the holder only ({@link
 * LockState#forViewer}).
 */
public record LockStateChanged(ResourceId resource, LockState lock) implements ResourceEvent {}
