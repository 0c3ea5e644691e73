package dev.baton.core.engine;

import dev.baton.core.store.Store;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The periodic job that retires and announces expired locks, expiry warnings and ended graces
 * ({@link Store#sweep}); HikariCP's {@code HouseKeeper} in spirit. The transport schedules {@link
 * #run} every {@code store.sweepInterval}; a sweep still running when the next is due is skipped, not
 * stacked.
 *
 * <p>Thread-safe.
 */
public final class ExpirySweeper implements Runnable {

  private final Store store;
  private final Consumer<Throwable> onFailure;
  private final AtomicBoolean running = new AtomicBoolean();

  /**
   * @param store the store to sweep
   * @param onFailure told of a failed sweep (the store unreachable); the next one tries again
   */
  public ExpirySweeper(Store store, Consumer<Throwable> onFailure) {
    this.store = Objects.requireNonNull(store);
    this.onFailure = Objects.requireNonNull(onFailure);
  }

  @Override
  public void run() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    store.sweep().whenComplete((v, e) -> {
      running.set(false);
      if (e != null) {
        onFailure.accept(e);
      }
    });
  }
}
