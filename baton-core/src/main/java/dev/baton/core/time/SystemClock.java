package dev.baton.core.time;

/** The JVM's clocks; the only place in Baton that reads them. Thread-safe. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long monotonicNanos() {
    return System.nanoTime();
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }
}
