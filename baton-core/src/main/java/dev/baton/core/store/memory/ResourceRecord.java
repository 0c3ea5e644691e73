package dev.baton.core.store.memory;

import dev.baton.core.model.Member;
import dev.baton.core.resource.ResourceId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One resource (a child of a document, or its document lock) inside the memory store: members,
 * presence version, lock, wait queue, pending takeover, and the record of its last ended lock for
 * {@code verify}. Its entry in the {@link DeadlineIndex} is its next deadline (see {@link Deadlines}).
 * Guarded by the store's lock.
 */
final class ResourceRecord extends DeadlineIndex.Entry {

  final ResourceId id;
  /** The document it is a child of. */
  final DocumentRecord doc;
  /** Members by session id, in join order. */
  final Map<String, Member> members = new LinkedHashMap<>();
  long presenceVersion;
  LockRecord lock;
  /** Session ids waiting for the lock, first in line first. */
  final Set<String> waiters = new LinkedHashSet<>();
  /** The pending takeover of the lock, or null. */
  TakeoverRecord takeover;
  /** Monotonic nanos of each user's last {@code lock.request}, by user id. */
  final Map<String, Long> lastRequestNanos = new HashMap<>();
  /** Highest token ever granted here, 0 if none. */
  long lastGrantedToken;
  /** Token and reason ({@code expired}, {@code released}) of the last lock that ended. */
  long lastEndedToken;
  String lastEndReason;
  /** Monotonic nanos of the last change, for dropping idle records. */
  long touchedNanos;
  /** Whether the current operation changed it, so its deadline is re-armed when the operation ends. */
  boolean changed;

  ResourceRecord(ResourceId id, DocumentRecord doc, long nowNanos) {
    this.id = id;
    this.doc = doc;
    this.touchedNanos = nowNanos;
  }

  boolean idle() {
    return lock == null && members.isEmpty() && lastRequestNanos.isEmpty();
  }
}
