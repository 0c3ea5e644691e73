package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.tls.certFile} and {@code server.tls.keyFile}: together or not at all, readable PEM. */
class TlsConfigTest {

  @TempDir Path dir;
  private Path cert;
  private Path key;

  @BeforeEach
  void pemFiles() throws Exception {
    cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void withoutTlsKeysTheServerSpeaksPlainHttp() {
    assertThat(ConfigFixtures.load(dir, "").server().tls()).isEmpty();
  }

  @Test
  void bothFilesFromTheFileOrTheEnvironmentTurnTlsOn() {
    BatonConfig fromFile = ConfigFixtures.load(dir,
        "server:\n  tls:\n    certFile: '" + cert + "'\n    keyFile: '" + key + "'\n");
    BatonConfig fromEnv = BatonConfig.load(null,
        env("BATON_SERVER_TLS_CERT_FILE", cert.toString(), "BATON_SERVER_TLS_KEY_FILE", key.toString()),
        Overrides.none());

    assertThat(fromFile.server().tls()).contains(new TlsConfig(cert, key));
    assertThat(fromEnv.server().tls()).contains(new TlsConfig(cert, key));
  }

  @Test
  void oneFileWithoutTheOtherIsRefused() {
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_SERVER_TLS_CERT_FILE", cert.toString()),
        Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.keyFile is missing: server.tls.certFile and server.tls.keyFile are set"
            + " together");
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_SERVER_TLS_KEY_FILE", key.toString()),
        Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.certFile is missing");
  }

  @Test
  void anUnreadableFileIsRefusedNamingTheKey() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> BatonConfig.load(null,
        env("BATON_SERVER_TLS_CERT_FILE", missing.toString(), "BATON_SERVER_TLS_KEY_FILE", key.toString()),
        Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.certFile " + missing + " cannot be read");
  }

  @Test
  void aFileWithoutItsPemBlockIsRefusedWithoutEchoingIt() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("secret.txt"), "hunter2-the-secret");

    assertThatThrownBy(() -> BatonConfig.load(null,
        env("BATON_SERVER_TLS_CERT_FILE", cert.toString(), "BATON_SERVER_TLS_KEY_FILE", notAKey.toString()),
        Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.tls.keyFile " + notAKey + " holds no PEM block ending in PRIVATE KEY-----")
        .message().doesNotContain("hunter2");
    assertThatThrownBy(() -> BatonConfig.load(null,
        env("BATON_SERVER_TLS_CERT_FILE", key.toString(), "BATON_SERVER_TLS_KEY_FILE", key.toString()),
        Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.tls.certFile " + key + " holds no PEM block ending in CERTIFICATE-----");
  }
}
