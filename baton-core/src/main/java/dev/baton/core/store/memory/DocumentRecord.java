package dev.baton.core.store.memory;

import java.util.LinkedHashMap;
import java.util.Map;

/** A document {@code type:id}: its children and its document lock, by child name. Guarded by the store's lock. */
final class DocumentRecord {

  final String type;
  final String id;
  final Map<String, ResourceRecord> children = new LinkedHashMap<>();

  DocumentRecord(String type, String id) {
    this.type = type;
    this.id = id;
  }
}
