package dev.baton.core.store;

import dev.baton.core.model.LockState;
import dev.baton.core.resource.ResourceId;

/** One held lock and its resource, for {@code GET /v1/users/{userId}/locks}. Immutable. */
public record ResourceLock(ResourceId resource, LockState lock) {}
