package dev.baton.server.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The documents of a shard that have no command in flight; {@link #poll} takes a random one, in O(1)
 * (swap with the last). Not thread-safe: owned by its shard's event loop.
 */
final class IdleDocuments {

  private final List<Document> docs = new ArrayList<>();

  void add(Document d) {
    docs.add(d);
  }

  /** Removes and returns a random idle document, or null when there is none. */
  Document poll() {
    int n = docs.size();
    if (n == 0) {
      return null;
    }
    int i = ThreadLocalRandom.current().nextInt(n);
    Document d = docs.get(i);
    docs.set(i, docs.get(n - 1));
    docs.remove(n - 1);
    return d;
  }

  int size() {
    return docs.size();
  }
}
