package dev.baton.core.store;

import dev.baton.core.error.ErrorCode;
import dev.baton.core.model.ResourceState;

/**
 * The outcome of {@code join}. Immutable.
 *
 * @param state the resource as the joining session sees it (its role included)
 * @param downgraded whether an edit join became a view join
 * @param reason why it was downgraded ({@link ErrorCode#LOCK_HELD}, {@link ErrorCode#LOCK_LIMIT},
 *     {@link ErrorCode#FORBIDDEN}), or null
 */
public record JoinResult(ResourceState state, boolean downgraded, ErrorCode reason) {}
