package dev.baton.core.store.memory;

import java.util.Arrays;

/**
 * The memory store's timers: entries ordered by their next deadline (monotonic nanoseconds), so that
 * a sweep touches only what is due rather than every session and resource.
 *
 * <p>A binary min-heap whose entries remember their slot, so that re-arming or cancelling one costs
 * O(log n) without a search, as {@code java.util.concurrent.ScheduledThreadPoolExecutor}'s {@code
 * DelayedWorkQueue} does (its {@code heapIndex}). In the terms of Varghese and Lauck, "Hashed and
 * Hierarchical Timing Wheels" (SOSP 1987), this is their scheme 3, tree-based timers: start and stop
 * O(log n), a sweep O(due · log n). A timing wheel would make start and stop O(1), but the heap holds
 * only what has a deadline (held locks, away sessions, pending takeovers, rate-limit and idle-record
 * cleanups, not every idle connection), and it keeps exact order at any resolution.
 *
 * <p>Deadlines are compared as {@code a - b < 0}, so the order holds across the overflow of the
 * monotonic reading as long as all deadlines lie within 2<sup>63</sup> ns (292 years) of each other.
 * Entries with the same deadline leave in the order they were armed: a sequence number breaks ties.
 *
 * <p>Not thread-safe: guarded by the store's lock.
 */
final class DeadlineIndex {

  /** Something with a deadline: a record of the store that extends this, so arming allocates nothing. */
  abstract static class Entry {
    private long deadlineNanos;
    private long seq;
    /** Position in the heap, or -1 when not armed. */
    private int slot = -1;

    /** Whether the entry is in the index. */
    final boolean armed() {
      return slot >= 0;
    }

    /** The deadline it is armed for, in monotonic nanos; meaningless when not {@link #armed}. */
    final long deadlineNanos() {
      return deadlineNanos;
    }
  }

  private static final int INITIAL_CAPACITY = 16;

  private Entry[] heap = new Entry[INITIAL_CAPACITY];
  private int size;
  private long nextSeq;

  /**
   * Arms {@code e} for {@code deadlineNanos}, or moves it there if it is armed for another deadline
   * (behind any entry already armed for the new one). An entry already armed for exactly that deadline
   * keeps its place. O(log n).
   */
  void arm(Entry e, long deadlineNanos) {
    if (e.slot >= 0) {
      if (e.deadlineNanos == deadlineNanos) {
        return;
      }
      e.deadlineNanos = deadlineNanos;
      e.seq = nextSeq++;
      int at = e.slot;
      siftUp(at, e);
      if (e.slot == at) {
        siftDown(at, e);
      }
      return;
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    e.deadlineNanos = deadlineNanos;
    e.seq = nextSeq++;
    siftUp(size++, e);
  }

  /** Removes {@code e} if it is armed; does nothing otherwise. O(log n). */
  void cancel(Entry e) {
    int at = e.slot;
    if (at < 0) {
      return;
    }
    e.slot = -1;
    Entry last = heap[--size];
    heap[size] = null;
    if (last != e) {
      siftUp(at, last);
      if (last.slot == at) {
        siftDown(at, last);
      }
    }
    if (heap.length > INITIAL_CAPACITY && size < heap.length / 4) {
      heap = Arrays.copyOf(heap, heap.length / 2);
    }
  }

  /**
   * Removes and returns the entry with the earliest deadline if that deadline is at or before {@code
   * nowNanos}; null when nothing is due. O(log n).
   */
  Entry pollDue(long nowNanos) {
    if (size == 0 || heap[0].deadlineNanos - nowNanos > 0) {
      return null;
    }
    Entry first = heap[0];
    cancel(first);
    return first;
  }

  /** The entry with the earliest deadline, or null when empty; not removed. */
  Entry peek() {
    return size == 0 ? null : heap[0];
  }

  /** Number of armed entries. */
  int size() {
    return size;
  }

  private static boolean before(Entry a, Entry b) {
    long d = a.deadlineNanos - b.deadlineNanos;
    return d < 0 || (d == 0 && a.seq - b.seq < 0);
  }

  private void siftUp(int at, Entry e) {
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      Entry p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[at] = p;
      p.slot = at;
      at = parent;
    }
    heap[at] = e;
    e.slot = at;
  }

  private void siftDown(int at, Entry e) {
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      Entry c = heap[child];
      if (!before(c, e)) {
        break;
      }
      heap[at] = c;
      c.slot = at;
      at = child;
    }
    heap[at] = e;
    e.slot = at;
  }
}
