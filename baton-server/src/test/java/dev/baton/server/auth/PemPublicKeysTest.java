package dev.baton.server.auth;

import static dev.baton.server.auth.TestKeys.EC;
import static dev.baton.server.auth.TestKeys.RSA;
import static dev.baton.server.auth.TestKeys.pem;
import static dev.baton.server.auth.TestKeys.publicPem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.server.config.ConfigException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

class PemPublicKeysTest {

  @Test
  void readsRsaAndEcPublicKeys() {
    assertThat(PemPublicKeys.parse(publicPem(RSA))).singleElement().isInstanceOf(RSAPublicKey.class);
    assertThat(PemPublicKeys.parse(publicPem(EC))).singleElement().isInstanceOf(ECPublicKey.class);
    assertThat(PemPublicKeys.parse(publicPem(RSA) + "\n" + publicPem(EC))).hasSize(2);
  }

  @Test
  void readsOneLinePemWithEscapedNewlines() {
    String oneLine = publicPem(RSA).replace("\n", "\\n");

    assertThat(PemPublicKeys.parse(oneLine)).containsExactly(RSA.getPublic());
  }

  @Test
  void refusesAPrivateKey() {
    assertThatThrownBy(() -> PemPublicKeys.parse(pem("PRIVATE KEY", RSA.getPrivate().getEncoded())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey holds a private key: configure only the public key (openssl pkey -pubout)");
  }

  @Test
  void refusesAShortRsaKey() {
    String pem = publicPem(TestKeys.generate("RSA", 1024));

    assertThatThrownBy(() -> PemPublicKeys.parse(pem))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey RSA key of 1024 bits is too short: at least 2048");
  }

  @Test
  void refusesAnotherCurve() {
    String pem = publicPem(TestKeys.generateEc("secp384r1"));

    assertThatThrownBy(() -> PemPublicKeys.parse(pem))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey EC key must be on curve P-256 (ES256)");
  }

  @Test
  void refusesPkcs1AndUnknownBlocks() {
    assertThatThrownBy(() -> PemPublicKeys.parse(pem("RSA PUBLIC KEY", new byte[] {1, 2})))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.publicKey: PKCS#1 'RSA PUBLIC KEY' blocks are not supported");
    assertThatThrownBy(() -> PemPublicKeys.parse(pem("DH PARAMETERS", new byte[] {1, 2})))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey: a DH PARAMETERS block is not supported; use PUBLIC KEY or CERTIFICATE");
  }

  @Test
  void refusesGarbage() {
    assertThatThrownBy(() -> PemPublicKeys.parse("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey: the PUBLIC KEY block is not valid base64");
    assertThatThrownBy(() -> PemPublicKeys.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.publicKey: the PUBLIC KEY block cannot be read");
    assertThatThrownBy(() -> PemPublicKeys.parse("-----BEGIN PUBLIC KEY-----"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey holds no PEM block (-----BEGIN PUBLIC KEY----- ...)");
  }
}
