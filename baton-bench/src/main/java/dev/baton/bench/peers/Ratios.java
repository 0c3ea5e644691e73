package dev.baton.bench.peers;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spread over rounds of the ratios issue 6 asks for, by concurrency: Baton's round trips per
 * second over Redisson's (target at least 1.5) and over each floor's (target at least 0.6), each ratio
 * taken within a round (peers back to back), then median, minimum and maximum over the rounds.
 */
final class Ratios {

  private Ratios() {}

  static Map<String, Object> summarize(List<Map<String, Object>> runs, List<Integer> concurrency, PrintStream log) {
    Map<String, Object> out = new LinkedHashMap<>();
    log.println("ratios over rounds (median [min-max]):");
    for (int c : concurrency) {
      Map<String, Object> byPeer = new LinkedHashMap<>();
      for (String peer : List.of("redisson-rlock", "evalsha-vertx", "evalsha-link", "redis-benchmark")) {
        List<Double> ratios = new ArrayList<>();
        for (Map<String, Object> baton : select(runs, c, "baton-redis-store")) {
          for (Map<String, Object> other : select(runs, c, peer)) {
            if (other.get("round").equals(baton.get("round"))) {
              ratios.add(((Number) baton.get("roundTripsPerSecond")).doubleValue()
                  / ((Number) other.get("roundTripsPerSecond")).doubleValue());
            }
          }
        }
        if (ratios.isEmpty()) {
          continue;
        }
        Collections.sort(ratios);
        double median = ratios.get(ratios.size() / 2);
        byPeer.put("baton/" + peer, Map.of("median", round(median), "min", round(ratios.get(0)),
            "max", round(ratios.get(ratios.size() - 1)), "rounds", ratios.size()));
        log.printf("  c=%-3d baton/%-16s %.2f [%.2f-%.2f]%n", c, peer, median, ratios.get(0),
            ratios.get(ratios.size() - 1));
      }
      out.put(Integer.toString(c), byPeer);
    }
    return out;
  }

  private static List<Map<String, Object>> select(List<Map<String, Object>> runs, int c, String peer) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : runs) {
      if (r.get("concurrency").equals(c) && r.get("peer").equals(peer)) {
        out.add(r);
      }
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
