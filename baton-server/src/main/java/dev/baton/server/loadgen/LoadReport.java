package dev.baton.server.loadgen;

import java.util.List;
import java.util.Map;

/**
 * Everything a run produced, as written to the JSON results. Immutable.
 *
 * @param startedAt when the run started, ISO-8601
 * @param machine facts about this machine (cores, memory, Java, load average before and after)
 * @param settings the run's settings as given
 * @param connectSeconds how long connecting, saying hello and joining took
 * @param connectRetries {@code hello} and {@code join} sent again while connecting, after an {@code
 *     UNAVAILABLE} refusal (a store that did not answer in time)
 * @param memory server memory before connecting and with every connection joined and idle
 * @param steps one per step (one unless searching for the max rate)
 * @param search the max-rate search outcome, or null
 * @param errors every error of the run, connecting and closing included, by {@code operation:code}
 * @param notes anything that makes figures less exact (a node without metrics, no GC before heap
 *     readings)
 */
public record LoadReport(String startedAt, Map<String, Object> machine, Map<String, Object> settings,
    double connectSeconds, long connectRetries, MemoryResult memory, List<StepResult> steps, SearchResult search,
    Map<String, Long> errors, List<String> notes) {

  /**
   * The outcome of {@code --max-rate-search}.
   *
   * @param p99LimitMs the acquire p99 a step had to stay within
   * @param maxPassingRate the highest intended rate that passed; 0 if none did
   * @param maxPassingAchieved what that step achieved
   * @param firstFailingRate the lowest intended rate that failed, or -1 if none failed
   */
  public record SearchResult(double p99LimitMs, double maxPassingRate, double maxPassingAchieved,
      double firstFailingRate) {}

  /** The total of {@link #errors}. */
  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }
}
