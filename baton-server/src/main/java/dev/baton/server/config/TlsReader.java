package dev.baton.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and checks {@code server.tls.certFile} and {@code server.tls.keyFile}: both or neither, each a
 * readable file holding its PEM block. Whether the key matches the certificate is checked when the
 * server listens (Vert.x loads them then, and a mismatch stops the start). Stateless; thread-safe.
 */
final class TlsReader {

  static final String CERT_FILE = "server.tls.certFile";
  static final String KEY_FILE = "server.tls.keyFile";

  private TlsReader() {}

  /**
   * @return the TLS files, or empty when neither key is set
   * @throws ConfigException naming the key: only one of the two set, a file unreadable, or without
   *     its PEM block (the file's contents are never echoed: a key file is secret)
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
    return Optional.of(new TlsConfig(pemFile(CERT_FILE, cert.get(), "CERTIFICATE-----"),
        pemFile(KEY_FILE, key.get(), "PRIVATE KEY-----")));
  }

  private static Path pemFile(String key, String value, String marker) {
    String text;
    Path path;
    try {
      path = Path.of(value);
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException | InvalidPathException e) {
      throw new ConfigException(key + " " + value + " cannot be read (" + e + ")", e);
    }
    if (!text.contains("-----BEGIN ") || !text.contains(marker)) {
      throw new ConfigException(key + " " + value + " holds no PEM block ending in " + marker.replace("-----", "")
          + "-----");
    }
    return path;
  }
}
