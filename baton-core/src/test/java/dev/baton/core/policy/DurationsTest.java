package dev.baton.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "250ms, 250",
    "30s, 30000",
    "5m, 300000",
    "2h, 7200000",
    "1d, 86400000",
    "0s, 0",
    "0ms, 0",
    "-5s, -5000",
    "' 30s ', 30000",
    "31536000000ms, 31536000000",
  })
  void parses(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  /** Text already in its shortest exact form comes back unchanged. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "250ms", "1500ms", "30s", "90s", "5m", "59m", "90m", "2h", "25h", "1d", "7d", "0s", "-5s",
        "-1m", "-250ms", "1ms", "999ms"
      })
  void canonicalTextRoundTrips(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }

  /** Other text comes back in its shortest exact form, with the same value. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "60s, 1m",
    "1000ms, 1s",
    "120m, 2h",
    "3600s, 1h",
    "24h, 1d",
    "86400000ms, 1d",
    "0ms, 0s",
    "0d, 0s",
    "-60s, -1m",
  })
  void formatsTheShortestExactText(String text, String shortest) {
    Duration d = Durations.parse(text);
    assertThat(Durations.format(d)).isEqualTo(shortest);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Test
  void formatsDurationsNotWrittenInTheSyntax() {
    assertThat(Durations.format(Duration.ofMillis(90_500))).isEqualTo("90500ms");
    assertThat(Durations.format(Duration.ofSeconds(61))).isEqualTo("61s");
    assertThat(Durations.format(Duration.ofMinutes(61))).isEqualTo("61m");
    assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "5", "5x", "1.5s", " ", "s", "ms", "5S", "5M", "5 s", "+5s", "5sec", "5min", "PT5S",
        "1m30s", "5s5", "-", "--5s", "1e3ms", "9999999999999s", "\u0665s"
      })
  void rejects(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'" + text + "' is not a duration: use a whole number and ms, s, m, h or d,"
                + " as in 30s or 5m");
  }

  @Test
  void refusesDurationsLongerThanAYear() {
    assertThatThrownBy(() -> Durations.parse("106752d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'106752d' is longer than the longest duration, 365d");
  }
}
