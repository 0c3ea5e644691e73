package dev.baton.core.event;

import dev.baton.core.model.Lease;

/** {@code lock.expiring}: sent once when the holder's remaining time falls below the expiry warning. */
public record LockExpiring(String sessionId, Lease lease) implements SessionEvent {}
