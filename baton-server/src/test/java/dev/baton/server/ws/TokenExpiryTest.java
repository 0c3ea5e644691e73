package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenExpiryTest {

  private static final long NOW = 1_764_400_000_000L;

  @Test
  void aLongTokenClosesAtItsExpAndIsWarnedAMinuteBefore() {
    long exp = NOW + 3_600_000;

    assertThat(TokenExpiry.closeAt(NOW, exp)).isEqualTo(exp);
    assertThat(TokenExpiry.warnAt(NOW, exp)).isEqualTo(exp - 60_000);
  }

  @Test
  void aShortTokenIsWarnedHalfWayThroughItsLife() {
    long exp = NOW + 30_000;

    assertThat(TokenExpiry.closeAt(NOW, exp)).isEqualTo(exp);
    assertThat(TokenExpiry.warnAt(NOW, exp)).isEqualTo(NOW + 15_000);
  }

  @Test
  void aTokenAcceptedPastItsExpStillGetsTheMinimumLifetimeToRefresh() {
    long exp = NOW - 20_000; // inside the 60 s clock-skew tolerance of hello

    long closeAt = TokenExpiry.closeAt(NOW, exp);
    assertThat(closeAt).isEqualTo(NOW + TokenExpiry.MIN_LIFETIME.toMillis());
    assertThat(TokenExpiry.warnAt(NOW, closeAt)).isEqualTo(NOW + TokenExpiry.MIN_LIFETIME.toMillis() / 2);
  }
}
