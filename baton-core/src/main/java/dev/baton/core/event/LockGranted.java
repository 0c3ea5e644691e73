package dev.baton.core.event;

import dev.baton.core.model.Lease;

/** {@code lock.granted} pushed to a session that got a lock without asking just then (queue, takeover). */
public record LockGranted(String sessionId, Lease lease) implements SessionEvent {}
