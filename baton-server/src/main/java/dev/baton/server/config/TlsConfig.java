package dev.baton.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code server.tls} section: native TLS for the WebSocket and the HTTP API (docs/security.md).
 * Both files are PEM; when the configuration was loaded they were readable and the key belonged to the
 * certificate.
 * Immutable and thread-safe.
 *
 * @param certFile the certificate chain ({@code -----BEGIN CERTIFICATE-----}, leaf first)
 * @param keyFile the private key of the leaf certificate, unencrypted PKCS#8 ({@code PRIVATE KEY}), RSA
 *     or EC
 */
public record TlsConfig(Path certFile, Path keyFile) {

  /** @throws NullPointerException if a file is null */
  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }
}
