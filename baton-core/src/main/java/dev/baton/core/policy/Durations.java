package dev.baton.core.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of the configuration: a whole number and a unit, {@code 250ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, {@code 1d}. Thread-safe.
 */
public final class Durations {

  private static final Pattern SYNTAX = Pattern.compile("(-?\\d{1,12})(ms|s|m|h|d)");

  /** The longest duration accepted anywhere: one year, far from {@code long} nanosecond overflow. */
  public static final Duration MAX = Duration.ofDays(365);

  private Durations() {}

  /**
   * Parses {@code 30s}-style text.
   *
   * @throws IllegalArgumentException if the text is not a whole number followed by ms, s, m, h or d
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use a whole number and ms, s, m, h or d, as in 30s or 5m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.abs().compareTo(MAX) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than the longest duration, 365d");
    }
    return d;
  }

  /** The shortest exact text for a duration in the same syntax, e.g. {@code 90s}, {@code 5m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms != 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms != 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
