package dev.baton.server.audit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic job that forces the audit file to disk every {@code audit.fsyncInterval}: group commit
 * (HikariCP's {@code HouseKeeper} in spirit). Records reach the operating system as they are written;
 * this task bounds what a power loss can take to one interval. It runs on its own thread
 * ({@code baton-audit-fsync}), so a slow disk never stalls an event loop; a flush still running when
 * the next is due delays it rather than stacking.
 *
 * <p>Thread-safe; {@link #start} and {@link #close} once each.
 */
public final class AuditFlusher implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuditFlusher.class);

  private final AuditLog audit;
  private final Duration interval;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-audit-fsync");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param audit the log to force
   * @param interval time between two flushes; positive
   */
  public AuditFlusher(AuditLog audit, Duration interval) {
    this.audit = Objects.requireNonNull(audit, "audit");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval " + interval + " must be positive");
    }
    this.interval = interval;
  }

  /** Starts flushing every interval. */
  public void start() {
    long nanos = interval.toNanos();
    executor.scheduleWithFixedDelay(this, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** One flush. */
  @Override
  public void run() {
    try {
      audit.sync();
    } catch (RuntimeException e) {
      log.error("audit flush failed", e);
    }
  }

  /** Stops the task after a last flush. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("audit flush still running after 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    run();
  }
}
