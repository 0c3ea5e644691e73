package dev.baton.server.metrics;

import dev.baton.core.store.StoreStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Baton's Prometheus metrics (Micrometer): {@code baton_connections}, {@code baton_sessions}, {@code
 * baton_locks_held}, {@code baton_lock_operations_total{operation,result}} and the {@code
 * baton_lock_acquire_seconds} histogram, {@code baton_limit_rejections_total{limit}} (every refusal by an
 * abuse limit: {@code messages}, {@code messages_close}, {@code sessions_per_user}, {@code
 * connections_per_node}, {@code outbound_queue}), {@code baton_token_refreshes_total{result}} and
 * {@code baton_token_expiries_total} (connections closed because their JWT expired), with the JVM's memory and CPU gauges and {@code
 * process_resident_memory_bytes} (Linux; NaN elsewhere). Thread-safe.
 */
public final class BatonMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger connections = new AtomicInteger();
  /** Counters by operation, then by result: looked up without building a key. */
  private final Map<String, Map<String, Counter>> operations = new ConcurrentHashMap<>();
  private final Map<String, Counter> limitRejections = new ConcurrentHashMap<>();
  private final Map<String, Counter> refreshes = new ConcurrentHashMap<>();
  private final Counter expiries;
  private final Timer acquireLatency;

  /** @param stats read when Prometheus scrapes, for the session and lock gauges */
  public BatonMetrics(Supplier<StoreStats> stats) {
    Gauge.builder("baton_connections", connections, AtomicInteger::get)
        .description("Open WebSocket connections on this node")
        .register(registry);
    Gauge.builder("baton_sessions", () -> stats.get().sessions())
        .description("Sessions in the store, connected or inside their grace")
        .register(registry);
    Gauge.builder("baton_locks_held", () -> stats.get().locks())
        .description("Locks held in the store")
        .register(registry);
    expiries = Counter.builder("baton_token_expiries")
        .description("Connections closed with 4001 because their JWT expired without auth.refresh")
        .register(registry);
    acquireLatency = Timer.builder("baton_lock_acquire")
        .description("lock.acquire latency inside the server, from parsed frame to reply")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
    Gauge.builder("process.resident.memory", ResidentMemory::bytes)
        .description("Resident set size of this process (VmRSS of /proc/self/status)")
        .baseUnit("bytes")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** A connection opened. */
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  /** A connection closed. */
  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /**
   * Counts one operation.
   *
   * @param operation the command, e.g. {@code acquire}
   * @param result {@code ok} or the error code
   * @param nanos how long it took, in nanoseconds; recorded for {@code acquire} only
   */
  public void operation(String operation, String result, long nanos) {
    Map<String, Counter> byResult = operations.get(operation);
    if (byResult == null) {
      byResult = operations.computeIfAbsent(operation, k -> new ConcurrentHashMap<>());
    }
    Counter counter = byResult.get(result);
    if (counter == null) {
      counter = byResult.computeIfAbsent(result, k -> Counter.builder("baton_lock_operations")
          .description("Lock and membership operations by operation and result")
          .tag("operation", operation)
          .tag("result", result)
          .register(registry));
    }
    counter.increment();
    if (operation.equals("acquire")) {
      acquireLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Counts one refusal by an abuse limit.
   *
   * @param limit {@code messages}, {@code messages_close}, {@code sessions_per_user}, {@code
   *     connections_per_node} or {@code outbound_queue}
   */
  public void limitRejected(String limit) {
    limitRejections
        .computeIfAbsent(limit, k -> Counter.builder("baton_limit_rejections")
            .description("Messages, sessions, connections and slow readers refused by an abuse limit (limits.*)")
            .tag("limit", limit)
            .register(registry))
        .increment();
  }

  /**
   * Counts one {@code auth.refresh}.
   *
   * @param result {@code ok} or the error code
   */
  public void tokenRefresh(String result) {
    refreshes
        .computeIfAbsent(result, k -> Counter.builder("baton_token_refreshes")
            .description("auth.refresh commands by result")
            .tag("result", result)
            .register(registry))
        .increment();
  }

  /** Counts one connection closed because its token expired. */
  public void tokenExpired() {
    expiries.increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
