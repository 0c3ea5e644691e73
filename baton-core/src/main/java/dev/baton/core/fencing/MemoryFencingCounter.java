package dev.baton.core.fencing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A fencing counter with no storage, increasing only for the life of this object: for tests and
 * benchmarks. Thread-safe.
 */
public final class MemoryFencingCounter implements FencingCounter {

  private final AtomicLong last;

  /** @param start the value before the first token; the first token is {@code start + 1} */
  public MemoryFencingCounter(long start) {
    this.last = new AtomicLong(start);
  }

  @Override
  public long next() {
    return last.incrementAndGet();
  }
}
