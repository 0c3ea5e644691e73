package dev.baton.core.store;

/**
 * Counts for metrics, read at one instant. Immutable.
 *
 * @param sessions open sessions, connected or inside their grace
 * @param locks locks held
 */
public record StoreStats(long sessions, long locks) {}
