package dev.baton.core.event;

import dev.baton.core.model.Holder;
import dev.baton.core.resource.ResourceId;

/**
 * {@code takeover.declined}: the requester's ({@code sessionId}) takeover will not happen.
 *
 * @param by the holder who declined, or null when the transfer became impossible
 * @param reason why, in words
 */
public record TakeoverDeclined(String sessionId, ResourceId resource, Holder by, String reason)
    implements SessionEvent {}
