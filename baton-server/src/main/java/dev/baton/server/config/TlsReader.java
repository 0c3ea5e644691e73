package dev.baton.server.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks {@code server.tls.certFile} and {@code server.tls.keyFile}: both or neither, each a
 * readable PEM file, the key an unencrypted PKCS#8 RSA or EC key that belongs to the first certificate
 * (checked by signing a test message with the key and verifying it with the certificate's public key),
 * so that a mismatched pair stops the start instead of failing every handshake. Stateless;
 * thread-safe.
 */
final class TlsReader {

  static final String CERT_FILE = "server.tls.certFile";
  static final String KEY_FILE = "server.tls.keyFile";

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TlsReader() {}

  /**
   * @return the TLS files, or empty when neither key is set
   * @throws ConfigException naming the key: only one of the two set, a file unreadable, a certificate
   *     file without a certificate, a key that is not PKCS#8 RSA or EC, or a key that does not match
   *     the certificate (a key file's contents are never echoed)
   */
  static Optional<TlsConfig> read(RawConfig raw) {
    Optional<String> cert = Values.optional(raw.text(CERT_FILE));
    Optional<String> key = Values.optional(raw.text(KEY_FILE));
    if (cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new ConfigException((cert.isEmpty() ? CERT_FILE : KEY_FILE) + " is missing: " + CERT_FILE + " and "
          + KEY_FILE + " are set together (native TLS) or not at all (plain HTTP, TLS ended in front)");
    }
    Path certPath = path(CERT_FILE, cert.get());
    Path keyPath = path(KEY_FILE, key.get());
    PublicKey publicKey = certificateKey(certPath, read(CERT_FILE, certPath));
    PrivateKey privateKey = privateKey(keyPath, read(KEY_FILE, keyPath), publicKey.getAlgorithm());
    if (!matches(privateKey, publicKey)) {
      throw new ConfigException(KEY_FILE + " " + keyPath + " is not the key of the certificate in " + CERT_FILE + " "
          + certPath);
    }
    return Optional.of(new TlsConfig(certPath, keyPath));
  }

  private static Path path(String key, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " " + value + " is not a valid path: " + e.getReason(), e);
    }
  }

  private static String read(String key, Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(key + " " + path + " cannot be read (" + e + ")", e);
    }
  }

  private static PublicKey certificateKey(Path path, String pem) {
    try {
      return CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new ConfigException(CERT_FILE + " " + path + " holds no PEM certificate", e);
    }
  }

  private static PrivateKey privateKey(Path path, String pem, String algorithm) {
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new ConfigException(KEY_FILE + " " + path + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----;"
          + " convert with: openssl pkcs8 -topk8 -nocrypt)");
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(KEY_FILE + " " + path + " is not a readable " + algorithm + " private key", e);
    }
  }

  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (publicKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> throw new ConfigException(CERT_FILE + ": only RSA and EC certificates are supported, not "
          + publicKey.getAlgorithm());
    };
    try {
      byte[] probe = "baton tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
