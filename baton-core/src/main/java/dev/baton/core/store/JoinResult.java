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
 * @param message the downgrade in words ("Dr. Smith is editing ..., expires in 5 min"), or null
 * @param lockResource the lock that blocks an edit join when it is another resource's (the document
 *     lock, or a child of the document for a document-lock join), or null
 */
public record JoinResult(
    ResourceState state, boolean downgraded, ErrorCode reason, String message, String lockResource) {

  /** A join that was not downgraded. */
  public static JoinResult as(ResourceState state) {
    return new JoinResult(state, false, null, null, null);
  }
}
