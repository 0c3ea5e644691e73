package dev.baton.server.loadgen;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Percentiles of one latency series, in milliseconds, with its percentile distribution for plotting.
 * Immutable.
 *
 * @param count samples
 * @param p50Ms median
 * @param p90Ms 90th percentile
 * @param p99Ms 99th percentile
 * @param p999Ms 99.9th percentile
 * @param maxMs largest sample
 * @param meanMs mean
 * @param distribution {@code [percentile, ms]} points (HdrHistogram's percentile iteration, 5 ticks per
 *     half distance), for the plot
 */
public record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms,
    double maxMs, double meanMs, List<double[]> distribution) {

  /** @param micros a histogram of microsecond values */
  static LatencySummary of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0, List.of());
    }
    List<double[]> points = new ArrayList<>();
    for (HistogramIterationValue v : micros.percentiles(5)) {
      points.add(new double[] {v.getPercentileLevelIteratedTo(), ms(v.getValueIteratedTo())});
    }
    return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
        ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
        ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), Math.round(micros.getMean()) / 1000.0,
        points);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
