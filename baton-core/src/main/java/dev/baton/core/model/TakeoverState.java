package dev.baton.core.model;

/**
 * A pending takeover of a lock. Immutable.
 *
 * @param by the requesting admin's user and session
 * @param deadline epoch milliseconds when the lock passes, for display
 * @param remainingMs milliseconds until the deadline, by the store's clock
 */
public record TakeoverState(Holder by, long deadline, long remainingMs) {}
