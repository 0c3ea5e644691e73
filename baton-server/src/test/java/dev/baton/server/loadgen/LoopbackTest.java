package dev.baton.server.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator refuses any target or source address off this machine. */
class LoopbackTest {

  @Test
  void parsesRangesAndLists() {
    assertThat(Loopback.parseAddresses("127.0.0.2-127.0.0.4,127.0.0.9"))
        .containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.9");
    assertThatThrownBy(() -> Loopback.parseAddresses("127.0.0.9-127.0.1.2"))
        .hasMessageContaining("last octet");
  }

  @Test
  void refusesTargetsOffLoopback() {
    assertThatThrownBy(() -> Loopback.check(config("ws://10.0.0.1:8080/v1/ws", "127.0.0.1")))
        .hasMessageContaining("not a loopback address");
    assertThatThrownBy(() -> Loopback.check(config("ws://127.0.0.1:8080/v1/ws", "192.168.1.2")))
        .hasMessageContaining("not a loopback address");
    Loopback.check(config("ws://127.0.0.1:8080/v1/ws", "127.0.0.5"));
    Loopback.check(config("ws://[::1]:8080/v1/ws", "127.0.0.1"));
  }

  private static LoadConfig config(String url, String source) {
    URI u = URI.create(url);
    return new LoadConfig(List.of(u), List.of(URI.create("http://127.0.0.1:8080/metrics")), List.of(source), 1, 0,
        0, 1, Duration.ZERO, Duration.ofSeconds(1), 1, "x".repeat(32), null, null, 1, 1, Duration.ofSeconds(1), null,
        List.of(), true);
  }
}
