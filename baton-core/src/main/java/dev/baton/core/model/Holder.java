package dev.baton.core.model;

/**
 * Who holds a lock. Immutable.
 *
 * @param userId the holder's user
 * @param name its display name
 * @param sessionId the holding session
 */
public record Holder(String userId, String name, String sessionId) {}
