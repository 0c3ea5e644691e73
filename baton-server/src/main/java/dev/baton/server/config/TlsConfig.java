package dev.baton.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code server.tls} section: native TLS for the WebSocket and the HTTP API (docs/security.md).
 * Both files are PEM and were readable and held the expected block when the configuration was loaded.
 * Immutable and thread-safe.
 *
 * @param certFile the certificate chain ({@code -----BEGIN CERTIFICATE-----}, leaf first)
 * @param keyFile the private key of the leaf certificate (PKCS#8 {@code PRIVATE KEY}, or PKCS#1 {@code
 *     RSA PRIVATE KEY}), unencrypted
 */
public record TlsConfig(Path certFile, Path keyFile) {

  /** @throws NullPointerException if a file is null */
  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }
}
