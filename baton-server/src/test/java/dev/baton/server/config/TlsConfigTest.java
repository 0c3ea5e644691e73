package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls.certFile} and {@code server.tls.keyFile}: together or not at all, readable PEM, a
 * PKCS#8 key that belongs to the certificate. Certificates are generated at test time.
 */
class TlsConfigTest {

  private static SelfSignedCertificate one;
  private static SelfSignedCertificate other;

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    one = SelfSignedCertificate.create("localhost");
    other = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void delete() {
    one.delete();
    other.delete();
  }

  private static BatonConfig load(String cert, String key) {
    Map<String, String> env = cert == null ? env("BATON_SERVER_TLS_KEY_FILE", key)
        : key == null ? env("BATON_SERVER_TLS_CERT_FILE", cert)
        : env("BATON_SERVER_TLS_CERT_FILE", cert, "BATON_SERVER_TLS_KEY_FILE", key);
    return BatonConfig.load(null, env, Overrides.none());
  }

  @Test
  void withoutTlsKeysTheServerSpeaksPlainHttp() {
    assertThat(ConfigFixtures.load(dir, "").server().tls()).isEmpty();
  }

  @Test
  void aCertificateAndItsKeyFromTheFileOrTheEnvironmentTurnTlsOn() {
    BatonConfig fromFile = ConfigFixtures.load(dir,
        "server:\n  tls:\n    certFile: '" + one.certificatePath() + "'\n    keyFile: '" + one.privateKeyPath() + "'\n");
    TlsConfig expected = new TlsConfig(Path.of(one.certificatePath()), Path.of(one.privateKeyPath()));

    assertThat(fromFile.server().tls()).contains(expected);
    assertThat(load(one.certificatePath(), one.privateKeyPath()).server().tls()).contains(expected);
  }

  @Test
  void oneFileWithoutTheOtherIsRefused() {
    assertThatThrownBy(() -> load(one.certificatePath(), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.keyFile is missing: server.tls.certFile and server.tls.keyFile are set"
            + " together");
    assertThatThrownBy(() -> load(null, one.privateKeyPath()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.certFile is missing");
  }

  @Test
  void anUnreadableFileIsRefusedNamingTheKey() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> load(missing.toString(), one.privateKeyPath()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.certFile " + missing + " cannot be read");
  }

  @Test
  void aKeyFromAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> load(one.certificatePath(), other.privateKeyPath()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.tls.keyFile " + other.privateKeyPath() + " is not the key of the certificate in"
            + " server.tls.certFile " + one.certificatePath());
  }

  @Test
  void filesWithoutTheirPemBlockAreRefusedWithoutEchoingThem() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("secret.txt"), "hunter2-the-secret");

    assertThatThrownBy(() -> load(one.certificatePath(), notAKey.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("server.tls.keyFile " + notAKey + " holds no unencrypted PKCS#8 key")
        .message().doesNotContain("hunter2");
    assertThatThrownBy(() -> load(one.privateKeyPath(), one.privateKeyPath()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.tls.certFile " + one.privateKeyPath() + " holds no PEM certificate");
  }
}
