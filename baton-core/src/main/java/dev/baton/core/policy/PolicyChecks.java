package dev.baton.core.policy;

import java.time.Duration;

/** Argument checks shared by the policy records; messages name the key, the value and the rule. */
final class PolicyChecks {

  private PolicyChecks() {}

  static void positive(String key, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(key + " " + Durations.format(value) + " must be positive");
    }
  }

  static void notNegative(String key, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(key + " " + Durations.format(value) + " must not be negative");
    }
  }

  static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " " + value + " must be at least " + min);
    }
  }
}
