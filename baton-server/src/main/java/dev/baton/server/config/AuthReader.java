package dev.baton.server.config;

import dev.baton.core.identity.Access;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Builds {@link AuthConfig} from the {@code auth} keys. Secrets are never echoed in messages.
 * Thread-safe (stateless apart from the {@link SecureRandom} passed in).
 */
final class AuthReader {

  /** HS256 needs a key of at least 256 bits. */
  static final int MIN_SECRET_BYTES = 32;

  private static final String PEM_MARKER = "-----BEGIN";

  private AuthReader() {}

  /**
   * @param dev whether dev mode is on: no key source is then required, and a random secret is
   *     generated from {@code random} when no HMAC secret is configured
   * @throws ConfigException naming the key of the first invalid value, or {@code auth} when no key
   *     source is configured outside dev mode
   */
  static AuthConfig read(RawConfig raw, boolean dev, SecureRandom random) {
    Optional<String> secret = Optional.ofNullable(raw.text("auth.hmacSecret")).filter(s -> !s.isEmpty());
    secret.ifPresent(AuthReader::checkSecret);
    Optional<String> publicKey = Values.optional(raw.text("auth.publicKey")).map(AuthReader::pem);
    Optional<URI> jwksUri = Values.optional(raw.text("auth.jwksUri")).map(AuthReader::jwksUri);
    if (!dev && secret.isEmpty() && publicKey.isEmpty() && jwksUri.isEmpty()) {
      throw new ConfigException(
          "auth: no way to verify tokens: set auth.hmacSecret, auth.publicKey or auth.jwksUri"
              + " (or run with --dev)");
    }
    AuthConfig auth =
        new AuthConfig(
            secret,
            publicKey,
            jwksUri,
            Values.optional(raw.text("auth.issuer")),
            Values.optional(raw.text("auth.audience")),
            Values.required("auth.nameClaim", raw.text("auth.nameClaim")),
            Values.required("auth.rolesClaim", raw.text("auth.rolesClaim")),
            Values.required("auth.resourcesClaim", raw.text("auth.resourcesClaim")),
            Values.choice("auth.defaultAccess", raw.text("auth.defaultAccess"), Access.class),
            Values.required("auth.adminRole", raw.text("auth.adminRole")),
            Values.required("auth.emergencyRole", raw.text("auth.emergencyRole")),
            Values.required("auth.serviceRole", raw.text("auth.serviceRole")));
    if (dev && secret.isEmpty()) {
      byte[] bytes = new byte[MIN_SECRET_BYTES];
      random.nextBytes(bytes);
      auth = auth.withHmacSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
    return auth;
  }

  private static void checkSecret(String secret) {
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigException(
          "auth.hmacSecret must be at least " + MIN_SECRET_BYTES
              + " bytes (HS256 needs a 256-bit key); the configured one has " + bytes);
    }
  }

  /** PEM text as given, or the contents of the file it names. */
  private static String pem(String value) {
    if (value.contains(PEM_MARKER)) {
      return value;
    }
    String text;
    try {
      text = Files.readString(Path.of(value), StandardCharsets.UTF_8);
    } catch (IOException | InvalidPathException e) {
      throw new ConfigException(
          "auth.publicKey " + value + " is neither PEM text nor a readable file (" + e + ")", e);
    }
    if (!text.contains(PEM_MARKER)) {
      throw new ConfigException("auth.publicKey file " + value + " holds no PEM block");
    }
    return text;
  }

  private static URI jwksUri(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ConfigException("auth.jwksUri " + value + " must be an http or https URL");
  }
}
