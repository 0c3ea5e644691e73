package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.SECRET;
import static dev.baton.server.config.ConfigFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevModeTest {

  private static final Overrides DEV = new Overrides(null, null, true, null, null);

  @TempDir Path dir;

  @Test
  void devModeBindsLoopbackWhenNoHostIsGiven() {
    BatonConfig c = BatonConfig.load(null, Map.of(), DEV);

    assertThat(c.dev()).isTrue();
    assertThat(c.server().host()).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "localhost"})
  void devModeAcceptsAnExplicitLoopbackHost(String host) {
    BatonConfig c = BatonConfig.load(null, Map.of(), new Overrides(host, null, true, null, null));

    assertThat(c.server().host()).isEqualTo(host);
  }

  @Test
  void devModeRefusesAnExplicitNonLoopbackFlag() {
    assertThatThrownBy(
            () -> BatonConfig.load(null, Map.of(), new Overrides("0.0.0.0", null, true, null, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "server.host 0.0.0.0 is not a loopback address: --dev binds only 127.0.0.1, ::1 or localhost");
  }

  @Test
  void devModeRefusesANonLoopbackHostFromTheFileOrEnvironment() {
    Path file = yaml(dir, "server: {host: 0.0.0.0}");

    assertThatThrownBy(() -> BatonConfig.load(file, Map.of(), DEV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.host 0.0.0.0 is not a loopback address");
    assertThatThrownBy(() -> BatonConfig.load(null, Map.of("BATON_SERVER_HOST", "10.1.2.3"), DEV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.host 10.1.2.3 is not a loopback address");
  }

  @Test
  void devModeGeneratesARandom256BitSecretWhenNoneIsConfigured() {
    String first = BatonConfig.load(null, Map.of(), DEV).auth().hmacSecret().orElseThrow();
    String second = BatonConfig.load(null, Map.of(), DEV).auth().hmacSecret().orElseThrow();

    assertThat(first.getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(32);
    assertThat(first).isNotEqualTo(second).matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void devModeKeepsAConfiguredSecret() {
    BatonConfig c = BatonConfig.load(null, Map.of("BATON_AUTH_HMAC_SECRET", SECRET), DEV);

    assertThat(c.auth().hmacSecret()).contains(SECRET);
  }

  @Test
  void devModeStillRefusesAShortConfiguredSecret() {
    assertThatThrownBy(() -> BatonConfig.load(null, Map.of("BATON_AUTH_HMAC_SECRET", "short"), DEV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.hmacSecret must be at least 32 bytes");
  }

  @Test
  void withoutDevModeTheHostDefaultIsAllInterfaces() {
    BatonConfig c = BatonConfig.load(null, ConfigFixtures.ENV, Overrides.none());

    assertThat(c.dev()).isFalse();
    assertThat(c.server().host()).isEqualTo("0.0.0.0");
  }
}
