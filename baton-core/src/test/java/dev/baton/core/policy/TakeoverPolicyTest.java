package dev.baton.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TakeoverPolicyTest {

  @Test
  void defaultsAreTheSpecDefaults() {
    assertThat(TakeoverPolicy.DEFAULT.mode()).isEqualTo(TakeoverMode.REQUEST);
    assertThat(TakeoverPolicy.DEFAULT.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(TakeoverPolicy.DEFAULT.allowDecline()).isFalse();
  }

  @Test
  void timeoutMissing() {
    assertThatThrownBy(() -> new TakeoverPolicy(TakeoverMode.REQUEST, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("takeover.timeout is missing");
  }

  @Test
  void timeoutZero() {
    assertThatThrownBy(() -> new TakeoverPolicy(TakeoverMode.IMMEDIATE, Duration.ZERO, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("takeover.timeout 0s must be positive");
  }

  @Test
  void timeoutNegative() {
    assertThatThrownBy(() -> new TakeoverPolicy(TakeoverMode.REQUEST, Duration.ofSeconds(-30), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("takeover.timeout -30s must be positive");
  }

  @Test
  void modeMissing() {
    assertThatThrownBy(() -> new TakeoverPolicy(null, Duration.ofSeconds(30), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("takeover.mode is missing");
  }

  @Test
  void everyModeIsAccepted() {
    for (TakeoverMode mode : TakeoverMode.values()) {
      assertThat(new TakeoverPolicy(mode, Duration.ofMillis(1), true).mode()).isEqualTo(mode);
    }
  }
}
