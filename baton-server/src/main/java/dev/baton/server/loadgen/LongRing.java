package dev.baton.server.loadgen;

/**
 * A bounded FIFO of {@code long}s without boxing: the schedule's backlog of intended send times.
 * Not thread-safe: owned by one event loop.
 */
final class LongRing {

  private final long[] items;
  private int head;
  private int size;

  /** @param capacity the most values held at once */
  LongRing(int capacity) {
    items = new long[capacity];
  }

  /** Appends; false when full. */
  boolean offer(long v) {
    if (size == items.length) {
      return false;
    }
    items[(head + size) % items.length] = v;
    size++;
    return true;
  }

  /** Removes and returns the oldest value. @throws IllegalStateException when empty */
  long poll() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    long v = items[head];
    head = (head + 1) % items.length;
    size--;
    return v;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  void clear() {
    head = 0;
    size = 0;
  }
}
