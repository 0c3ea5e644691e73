package dev.baton.core.policy;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per validation message; every message names the key, the value and the rule. */
class PolicyTest {

  private static final Policy D = Policy.DEFAULT;

  private static Policy timings(
      Duration lockTtl, Duration heartbeatInterval, Duration disconnectGrace, Duration expiryWarning) {
    return new Policy(
        lockTtl,
        heartbeatInterval,
        disconnectGrace,
        expiryWarning,
        D.maxLocksPerUserPerDocument(),
        D.maxViewers(),
        D.maxJoinsPerSession(),
        D.conflict(),
        D.takeover());
  }

  private static Policy limits(int maxLocksPerUserPerDocument, int maxViewers, int maxJoinsPerSession) {
    return new Policy(
        D.lockTtl(),
        D.heartbeatInterval(),
        D.disconnectGrace(),
        D.expiryWarning(),
        maxLocksPerUserPerDocument,
        maxViewers,
        maxJoinsPerSession,
        D.conflict(),
        D.takeover());
  }

  @Test
  void defaultsAreTheSpecDefaults() {
    assertThat(D.lockTtl()).isEqualTo(ofMinutes(5));
    assertThat(D.heartbeatInterval()).isEqualTo(ofSeconds(60));
    assertThat(D.disconnectGrace()).isEqualTo(ofSeconds(30));
    assertThat(D.expiryWarning()).isEqualTo(ofSeconds(60));
    assertThat(D.maxLocksPerUserPerDocument()).isEqualTo(5);
    assertThat(D.maxViewers()).isEqualTo(Policy.UNLIMITED);
    assertThat(D.maxJoinsPerSession()).isEqualTo(200);
    assertThat(D.conflict()).isEqualTo(Conflict.DENY);
    assertThat(D.takeover()).isEqualTo(TakeoverPolicy.DEFAULT);
  }

  @Test
  void lockTtlMissing() {
    assertThatThrownBy(() -> timings(null, ofSeconds(60), ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl is missing");
  }

  @Test
  void lockTtlZero() {
    assertThatThrownBy(() -> timings(ZERO, ofSeconds(60), ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl 0s must be positive");
  }

  @Test
  void lockTtlNegative() {
    assertThatThrownBy(() -> timings(ofMinutes(-1), ofSeconds(60), ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl -1m must be positive");
  }

  @Test
  void heartbeatIntervalMissing() {
    assertThatThrownBy(() -> timings(ofMinutes(5), null, ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval is missing");
  }

  @Test
  void heartbeatIntervalZero() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ZERO, ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval 0s must be positive");
  }

  @Test
  void heartbeatIntervalNegative() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofMillis(-250), ofSeconds(30), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval -250ms must be positive");
  }

  @Test
  void disconnectGraceMissing() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), null, ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("disconnectGrace is missing");
  }

  @Test
  void disconnectGraceNegative() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), ofSeconds(-5), ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("disconnectGrace -5s must not be negative");
  }

  @Test
  void disconnectGraceZeroIsAllowed() {
    assertThat(timings(ofMinutes(5), ofSeconds(60), ZERO, ofSeconds(60)).disconnectGrace()).isZero();
  }

  @Test
  void expiryWarningMissing() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), ofSeconds(30), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expiryWarning is missing");
  }

  @Test
  void expiryWarningNegative() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), ofSeconds(30), ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expiryWarning -1s must not be negative");
  }

  @Test
  void lockTtlBelowTwiceHeartbeat() {
    // Durations are printed in their shortest exact form: heartbeatInterval 60s reads "1m".
    assertThatThrownBy(() -> timings(ofMinutes(1), ofSeconds(60), ofSeconds(30), ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl 1m must be above twice heartbeatInterval 1m = 2m");
  }

  @Test
  void lockTtlEqualToTwiceHeartbeat() {
    assertThatThrownBy(() -> timings(ofSeconds(90), ofSeconds(45), ofSeconds(30), ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl 90s must be above twice heartbeatInterval 45s = 90s");
  }

  @Test
  void lockTtlJustAboveTwiceHeartbeatIsAllowed() {
    assertThatCode(
            () -> timings(ofSeconds(90).plusMillis(1), ofSeconds(45), ofSeconds(30), ofSeconds(30)))
        .doesNotThrowAnyException();
  }

  @Test
  void expiryWarningEqualToLockTtl() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), ofSeconds(30), ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expiryWarning 5m must be below lockTtl 5m");
  }

  @Test
  void expiryWarningAboveLockTtl() {
    assertThatThrownBy(() -> timings(ofMinutes(5), ofSeconds(60), ofSeconds(30), ofSeconds(330)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expiryWarning 330s must be below lockTtl 5m");
  }

  @Test
  void expiryWarningZeroIsAllowed() {
    assertThat(timings(ofMinutes(5), ofSeconds(60), ofSeconds(30), ZERO).expiryWarning()).isZero();
  }

  @Test
  void maxLocksPerUserPerDocumentBelowOne() {
    assertThatThrownBy(() -> limits(0, Policy.UNLIMITED, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLocksPerUserPerDocument 0 must be at least 1");
  }

  @Test
  void maxViewersNegative() {
    assertThatThrownBy(() -> limits(5, -1, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxViewers -1 must be at least 0");
  }

  @Test
  void maxJoinsPerSessionBelowOne() {
    assertThatThrownBy(() -> limits(5, Policy.UNLIMITED, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxJoinsPerSession 0 must be at least 1");
  }

  @Test
  void smallestLimitsAreAllowed() {
    Policy p = limits(1, 0, 1);
    assertThat(p.maxLocksPerUserPerDocument()).isEqualTo(1);
    assertThat(p.maxViewers()).isZero();
    assertThat(p.maxJoinsPerSession()).isEqualTo(1);
  }

  @Test
  void conflictMissing() {
    assertThatThrownBy(
            () -> new Policy(D.lockTtl(), D.heartbeatInterval(), D.disconnectGrace(),
                D.expiryWarning(), 5, Policy.UNLIMITED, 200, null, D.takeover()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("conflict is missing");
  }

  @Test
  void takeoverMissing() {
    assertThatThrownBy(
            () -> new Policy(D.lockTtl(), D.heartbeatInterval(), D.disconnectGrace(),
                D.expiryWarning(), 5, Policy.UNLIMITED, 200, Conflict.QUEUE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("takeover is missing");
  }

  @Test
  void lockTtlOverADayIsRefused() {
    assertThatThrownBy(
            () -> new Policy(Duration.ofDays(2), D.heartbeatInterval(), D.disconnectGrace(),
                D.expiryWarning(), 5, Policy.UNLIMITED, 200, Conflict.DENY, D.takeover()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTtl 2d must be at most 1d");
  }
}
