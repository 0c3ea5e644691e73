package dev.baton.core.store.memory;

import dev.baton.core.model.Holder;
import dev.baton.core.resource.ResourceId;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A session's mutable state inside the memory store. While it is away, its entry in the {@link
 * DeadlineIndex} is the next end of a grace (see {@link Deadlines}). Guarded by the store's lock.
 */
final class SessionRecord extends DeadlineIndex.Entry {

  final String id;
  final String userId;
  final String name;
  /** The session as a lock's holder, made once. */
  final Holder holder;
  String resumeTokenHash;
  String connectionId;
  boolean connected = true;
  /** Monotonic nanos of the disconnect, valid while {@code !connected}. */
  long awaySinceNanos;
  /** Resources joined, in join order. */
  final Set<ResourceId> memberships = new LinkedHashSet<>();

  SessionRecord(String id, String userId, String name, String resumeTokenHash, String connectionId) {
    this.id = id;
    this.userId = userId;
    this.name = name;
    this.holder = new Holder(userId, name, id);
    this.resumeTokenHash = resumeTokenHash;
    this.connectionId = connectionId;
  }
}
