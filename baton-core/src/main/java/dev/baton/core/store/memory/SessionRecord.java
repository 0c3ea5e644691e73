package dev.baton.core.store.memory;

import dev.baton.core.resource.ResourceId;
import java.util.LinkedHashSet;
import java.util.Set;

/** A session's mutable state inside the memory store; guarded by the store's lock. */
final class SessionRecord {

  final String id;
  final String userId;
  final String name;
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
    this.resumeTokenHash = resumeTokenHash;
    this.connectionId = connectionId;
  }
}
