package dev.baton.server.loadgen;

import java.util.Map;

/**
 * The measured part of one step. Immutable.
 *
 * @param step 0 for the first
 * @param intendedRate lock operations per second meant to be sent
 * @param achievedRate measured operations (intended inside the measurement) answered, per second of
 *     measurement
 * @param answeredRate every reply that arrived during the measurement, per second, whenever it was
 *     intended: under overload the backlog of the warmup fills the measurement, so this shows what the
 *     server actually got through while {@code achievedRate} falls
 * @param sent measured operations sent
 * @param completed measured operations answered (errors included)
 * @param measuredSeconds length of the measurement
 * @param acquire {@code lock.acquire} round trips from the intended send time
 * @param renew {@code lock.renew} round trips from the intended send time
 * @param release {@code lock.release} round trips from the intended send time
 * @param fanout presence changes, from the server's {@code ts} to the last member receiving it
 * @param sendLag how late the generator sent each operation (actual − intended send time); included in
 *     the round trips above, shown so that the generator's own share is visible
 * @param fanoutIncomplete changes that did not reach every member in time (over the whole run so far)
 * @param fanoutViaSnapshot changes that reached every member, at least one of them inside a {@code
 *     presence} snapshot (a node's resync) rather than as an event (over the whole run so far); they
 *     are included in {@code fanout}
 * @param errors errors during this step, by {@code operation:code}
 * @param serverCpuCores server CPU time over the measurement, in cores (1.0 = one core busy); -1 unknown
 * @param generatorCpuCores this generator's CPU over the measurement, in cores
 * @param serverHeapUsedBytes server heap in use at the end of the step (no GC forced); -1 unknown
 * @param serverRssBytes server resident set size at the end of the step; -1 unknown
 */
public record StepResult(int step, double intendedRate, double achievedRate, double answeredRate, long sent,
    long completed, double measuredSeconds, LatencySummary acquire, LatencySummary renew, LatencySummary release,
    LatencySummary fanout, LatencySummary sendLag, long fanoutIncomplete, long fanoutViaSnapshot,
    Map<String, Long> errors,
    double serverCpuCores, double generatorCpuCores, long serverHeapUsedBytes, long serverRssBytes) {

  /** Whether the acquire p99 stayed within {@code limitMs} and at least 95% of the rate was achieved. */
  boolean passes(double limitMs) {
    return acquire.count() > 0 && acquire.p99Ms() <= limitMs && achievedRate >= 0.95 * intendedRate;
  }
}
