package dev.baton.core.model;

import dev.baton.core.resource.ResourceId;

/**
 * A lock as its holder sees it after a grant or renewal. Immutable.
 *
 * @param resource the locked resource
 * @param token the fencing token
 * @param expiresAt epoch milliseconds of the expiry by the store's clock
 * @param remainingMs milliseconds until expiry by the store's monotonic clock
 */
public record Lease(ResourceId resource, long token, long expiresAt, long remainingMs) {}
