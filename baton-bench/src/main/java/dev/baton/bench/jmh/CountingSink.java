package dev.baton.bench.jmh;

import dev.baton.core.engine.Subscriber;
import dev.baton.core.event.Event;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection that only counts what it is handed, so a benchmark pays for the hub's fan-out but not
 * for a socket. Thread-safe.
 */
final class CountingSink implements Subscriber {

  private final String connectionId;
  final LongAdder delivered = new LongAdder();

  CountingSink(String connectionId) {
    this.connectionId = connectionId;
  }

  @Override
  public String connectionId() {
    return connectionId;
  }

  @Override
  public void deliver(Event event) {
    delivered.increment();
  }
}
