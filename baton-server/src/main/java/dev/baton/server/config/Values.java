package dev.baton.server.config;

import dev.baton.core.policy.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed reading of one raw value, with messages naming the key path, the value and the rule. Every
 * method throws {@link ConfigException} on a bad value and never corrects one. Thread-safe (stateless).
 */
final class Values {

  /** The longest accepted duration: longer ones are almost certainly a typo and risk overflow. */
  static final Duration MAX_DURATION = Duration.ofDays(7);

  private Values() {}

  /**
   * A required, non-blank text.
   *
   * @throws ConfigException {@code <key> is missing} if null or blank
   */
  static String required(String key, String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(key + " is missing");
    }
    return text.trim();
  }

  /** An optional text: empty when null or blank. */
  static Optional<String> optional(String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  /**
   * A whole number, without range check.
   *
   * @throws ConfigException if missing or not a whole number that fits an int
   */
  static int wholeNumber(String key, String text) {
    String t = required(key, text);
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " " + t + " must be a whole number", e);
    }
  }

  /**
   * A whole number in {@code [min, max]}.
   *
   * @throws ConfigException if missing, not a whole number, or out of range
   */
  static int integer(String key, String text, int min, int max) {
    int n = wholeNumber(key, text);
    if (n < min || n > max) {
      String rule =
          max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
      throw new ConfigException(key + " " + n + " must be " + rule);
    }
    return n;
  }

  /**
   * {@code auto} (then {@code auto}'s value) or a whole number in {@code [min, max]}.
   *
   * @throws ConfigException if missing, or neither {@code auto} nor a whole number in range
   */
  static int autoOrInteger(String key, String text, int auto, int min, int max) {
    String t = required(key, text);
    if (t.equals("auto")) {
      return auto;
    }
    int n;
    try {
      n = Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " " + t + " must be auto or a whole number", e);
    }
    if (n < min || n > max) {
      throw new ConfigException(key + " " + n + " must be auto or between " + min + " and " + max);
    }
    return n;
  }

  /**
   * A whole number in {@code [min, max]} that may exceed an int (a size in bytes).
   *
   * @throws ConfigException if missing, not a whole number that fits a long, or out of range
   */
  static long longInteger(String key, String text, long min, long max) {
    String t = required(key, text);
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " " + t + " must be a whole number", e);
    }
    if (n < min || n > max) {
      String rule = max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
      throw new ConfigException(key + " " + n + " must be " + rule);
    }
    return n;
  }

  /**
   * A duration such as {@code 250ms}, {@code 30s}, {@code 5m}; at most {@link #MAX_DURATION}. Zero and
   * negative values pass: the caller (or {@code Policy}) decides whether they are allowed.
   *
   * @throws ConfigException if missing, not in the duration syntax, or too long
   */
  static Duration duration(String key, String text) {
    String t = required(key, text);
    Duration d;
    try {
      d = Durations.parse(t);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key + " " + t + " is not a duration: use a whole number and ms, s, m, h or d, as in 30s or 5m",
          e);
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      throw new ConfigException(
          key + " " + t + " must be at most " + Durations.format(MAX_DURATION));
    }
    return d;
  }

  /**
   * A positive duration.
   *
   * @throws ConfigException as {@link #duration}, or {@code <key> <value> must be positive}
   */
  static Duration positiveDuration(String key, String text) {
    Duration d = duration(key, text);
    if (d.isZero() || d.isNegative()) {
      throw new ConfigException(key + " " + text.trim() + " must be positive");
    }
    return d;
  }

  /**
   * One of an enum's constants, written in lower case ({@code deny}, {@code request}, {@code redis}).
   *
   * @throws ConfigException if missing or not one of the lower-case names (case matters)
   */
  static <E extends Enum<E>> E choice(String key, String text, Class<E> type) {
    String t = required(key, text);
    List<String> words = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      String word = constant.name().toLowerCase(Locale.ROOT);
      if (word.equals(t)) {
        return constant;
      }
      words.add(word);
    }
    throw new ConfigException(key + " " + t + " must be one of " + String.join(", ", words));
  }

  /**
   * {@code true} or {@code false}.
   *
   * @throws ConfigException if missing or anything else
   */
  static boolean bool(String key, String text) {
    String t = required(key, text);
    return switch (t) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + " " + t + " must be true or false");
    };
  }
}
