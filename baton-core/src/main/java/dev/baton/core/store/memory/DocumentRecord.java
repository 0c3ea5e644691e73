package dev.baton.core.store.memory;

import java.util.LinkedHashMap;
import java.util.Map;

/** A document {@code type:id}: its children and its document lock, by child name. Guarded by the store's lock. */
final class DocumentRecord {

  /** {@code type:id}, its key in {@link MemoryState#documents}, built once. */
  final String key;
  final Map<String, ResourceRecord> children = new LinkedHashMap<>();
  /** Whether it is in {@link MemoryState#handOffDue}. */
  boolean handOffDue;

  DocumentRecord(String key) {
    this.key = key;
  }
}
