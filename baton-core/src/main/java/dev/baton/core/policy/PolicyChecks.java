package dev.baton.core.policy;

import java.time.Duration;

/** Argument checks shared by the policy records; messages name the key, the value and the rule. */
final class PolicyChecks {

  /** The longest lock TTL, grace or timeout: a lock always expires within a day. */
  static final Duration MAX = Duration.ofDays(1);

  private PolicyChecks() {}

  static void positive(String key, Duration value) {
    present(key, value);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(key + " " + Durations.format(value) + " must be positive");
    }
    notNegative(key, value);
  }

  static void notNegative(String key, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(key + " " + Durations.format(value) + " must not be negative");
    }
    if (value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          key + " " + Durations.format(value) + " must be at most " + Durations.format(MAX));
    }
  }

  static <T> T present(String key, T value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return value;
  }

  static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " " + value + " must be at least " + min);
    }
  }
}
