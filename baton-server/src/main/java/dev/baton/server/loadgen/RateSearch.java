package dev.baton.server.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --max-rate-search}: runs steps at rising rates (each {@code factor} times the last) from the
 * starting rate until a step fails (acquire p99 above the limit, or under 95% of the rate achieved),
 * then bisects between the last pass and the first failure {@code refinements} times. Every step has
 * its own warmup and measurement on the same open connections. Bounded by {@code maxSteps}. Not
 * thread-safe: runs on the generator's main thread.
 */
final class RateSearch {

  /** Steps run, and the outcome. */
  record Outcome(List<StepResult> steps, LoadReport.SearchResult result) {}

  private RateSearch() {}

  static Outcome run(StepRunner runner, LoadConfig config) throws InterruptedException {
    LoadConfig.RateSearch s = config.search();
    double limitMs = s.p99Limit().toNanos() / 1e6;
    List<StepResult> steps = new ArrayList<>();
    double rate = config.rate();
    double pass = 0;
    double passAchieved = 0;
    double fail = -1;
    int refinementsLeft = s.refinements();
    for (int step = 0; step < s.maxSteps(); step++) {
      StepResult r = runner.run(step, rate, config.warmup().toNanos(), config.duration().toNanos());
      steps.add(r);
      if (r.passes(limitMs)) {
        pass = rate;
        passAchieved = r.achievedRate();
      } else {
        fail = fail < 0 ? rate : Math.min(fail, rate);
      }
      if (fail < 0) {
        rate = rate * s.factor();
      } else if (refinementsLeft-- > 0) {
        rate = (pass + fail) / 2;
      } else {
        break;
      }
      Thread.sleep(1000); // let the server settle after a step that overloaded it
    }
    return new Outcome(steps, new LoadReport.SearchResult(limitMs, pass, passAchieved, fail));
  }
}
