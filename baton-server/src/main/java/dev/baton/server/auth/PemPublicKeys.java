package dev.baton.server.auth;

import dev.baton.server.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public keys of {@code auth.publicKey}: one or more {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo) or {@code CERTIFICATE} PEM blocks holding RSA keys of at least 2048 bits or
 * EC P-256 keys. Uses only the JDK: nimbus's {@code JWK.parseFromPEMEncodedObjects} needs BouncyCastle,
 * which is not on the class path. Thread-safe (stateless).
 */
final class PemPublicKeys {

  /** The shortest RSA modulus accepted, in bits. */
  static final int MIN_RSA_BITS = 2048;

  private static final String KEY = "auth.publicKey";
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private PemPublicKeys() {}

  /**
   * @param pem PEM text; a literal {@code \n} (as in a one-line environment variable) counts as a line
   *     break
   * @return every key, in order, each an {@link RSAPublicKey} or a P-256 {@link ECPublicKey}
   * @throws ConfigException naming {@code auth.publicKey} if there is no block, a block is not a public
   *     key or certificate, cannot be decoded, or holds a key of another kind, curve or a short RSA key
   */
  static List<PublicKey> parse(String pem) {
    Matcher m = BLOCK.matcher(pem.replace("\\n", "\n"));
    List<PublicKey> keys = new ArrayList<>();
    while (m.find()) {
      String label = m.group(1);
      byte[] der;
      try {
        der = Base64.getDecoder().decode(WHITESPACE.matcher(m.group(2)).replaceAll(""));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(KEY + ": the " + label + " block is not valid base64", e);
      }
      keys.add(check(decode(label, der)));
    }
    if (keys.isEmpty()) {
      throw new ConfigException(KEY + " holds no PEM block (-----BEGIN PUBLIC KEY----- ...)");
    }
    return List.copyOf(keys);
  }

  private static PublicKey decode(String label, byte[] der) {
    if (label.contains("PRIVATE KEY")) {
      throw new ConfigException(
          KEY + " holds a private key: configure only the public key (openssl pkey -pubout)");
    }
    try {
      switch (label) {
        case "PUBLIC KEY":
          return subjectPublicKeyInfo(der);
        case "CERTIFICATE":
          return CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der))
              .getPublicKey();
        case "RSA PUBLIC KEY":
          throw new ConfigException(
              KEY + ": PKCS#1 'RSA PUBLIC KEY' blocks are not supported; convert with"
                  + " openssl rsa -RSAPublicKey_in -pubout");
        default:
          throw new ConfigException(
              KEY + ": a " + label + " block is not supported; use PUBLIC KEY or CERTIFICATE");
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(KEY + ": the " + label + " block cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static PublicKey subjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static PublicKey check(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new ConfigException(
            KEY + " RSA key of " + bits + " bits is too short: at least " + MIN_RSA_BITS);
      }
      return rsa;
    }
    if (key instanceof ECPublicKey ec) {
      if (!SigningKeys.isP256(ec)) {
        throw new ConfigException(KEY + " EC key must be on curve P-256 (ES256)");
      }
      return ec;
    }
    throw new ConfigException(
        KEY + " " + key.getAlgorithm() + " keys are not supported; use RSA (RS256) or EC P-256 (ES256)");
  }
}
