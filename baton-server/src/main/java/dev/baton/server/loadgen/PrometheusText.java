package dev.baton.server.loadgen;

/**
 * Reads values out of a Prometheus text exposition (what {@code /metrics} answers). Thread-safe
 * (stateless).
 */
final class PrometheusText {

  private PrometheusText() {}

  /**
   * The sum of every sample of metric {@code name} whose labels contain {@code labelPart} (e.g.
   * {@code area="heap"}; empty for any), or NaN when there is none or one is NaN.
   */
  static double sum(String text, String name, String labelPart) {
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
        continue;
      }
      int after = name.length();
      if (line.length() <= after || (line.charAt(after) != '{' && line.charAt(after) != ' ')) {
        continue; // a longer metric name that starts with this one
      }
      int valueAt = line.lastIndexOf(' ');
      String labels = line.substring(after, valueAt);
      if (!labelPart.isEmpty() && !labels.contains(labelPart)) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(line.substring(valueAt + 1).trim());
      } catch (NumberFormatException e) {
        continue;
      }
      if (Double.isNaN(v)) {
        return Double.NaN;
      }
      total += v;
      found = true;
    }
    return found ? total : Double.NaN;
  }
}
