package dev.baton.server.config;

import dev.baton.core.identity.Access;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code auth} section: how JWTs are verified and read. Immutable and thread-safe; validated by
 * {@link BatonConfig#load} (outside dev mode at least one of the three key sources is set).
 *
 * @param hmacSecret the HS256 shared secret, used as its UTF-8 bytes, at least 32 bytes (256 bits);
 *     in dev mode a random one is generated when none is configured
 * @param publicKey PEM text of one or more RSA or EC P-256 public keys ({@code PUBLIC KEY} or
 *     {@code CERTIFICATE} blocks) for RS256 / ES256; a configured file path has already been read
 * @param jwksUri an http(s) JWKS endpoint of the identity provider, for RS256 / ES256
 * @param issuer the required {@code iss}, if any
 * @param audience the required {@code aud} entry, if any
 * @param nameClaim the claim holding the display name (default {@code name}; falls back to {@code sub})
 * @param rolesClaim the claim holding the roles (default {@code roles}): a JSON array of strings or a
 *     space- or comma-separated string
 * @param resourcesClaim the claim holding the per-resource access map (default {@code res})
 * @param defaultAccess the access of a token without the resources claim (default {@code edit}).
 *     {@code none} is allowed on purpose: it makes the resources claim mandatory, so a token without it
 *     can connect but may view and edit nothing (deny by default)
 * @param adminRole the role that may request a takeover and force-release (default {@code admin})
 * @param emergencyRole the role that may force a takeover at once (default {@code emergency})
 * @param serviceRole the role of services calling the HTTP API (default {@code service})
 */
public record AuthConfig(
    Optional<String> hmacSecret,
    Optional<String> publicKey,
    Optional<URI> jwksUri,
    Optional<String> issuer,
    Optional<String> audience,
    String nameClaim,
    String rolesClaim,
    String resourcesClaim,
    Access defaultAccess,
    String adminRole,
    String emergencyRole,
    String serviceRole) {

  /** @throws NullPointerException if a component is null (use {@link Optional#empty()} for unset) */
  public AuthConfig {
    Objects.requireNonNull(hmacSecret, "hmacSecret");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(nameClaim, "nameClaim");
    Objects.requireNonNull(rolesClaim, "rolesClaim");
    Objects.requireNonNull(resourcesClaim, "resourcesClaim");
    Objects.requireNonNull(defaultAccess, "defaultAccess");
    Objects.requireNonNull(adminRole, "adminRole");
    Objects.requireNonNull(emergencyRole, "emergencyRole");
    Objects.requireNonNull(serviceRole, "serviceRole");
  }

  /** The same settings with another HMAC secret (dev mode's generated one). */
  AuthConfig withHmacSecret(String secret) {
    return new AuthConfig(
        Optional.of(secret), publicKey, jwksUri, issuer, audience, nameClaim, rolesClaim,
        resourcesClaim, defaultAccess, adminRole, emergencyRole, serviceRole);
  }

  /** The record with the HMAC secret masked, safe to log. */
  @Override
  public String toString() {
    return "AuthConfig[hmacSecret=" + hmacSecret.map(s -> "***").orElse("none")
        + ", publicKey=" + publicKey.map(s -> "PEM").orElse("none")
        + ", jwksUri=" + jwksUri.map(URI::toString).orElse("none")
        + ", issuer=" + issuer.orElse("any") + ", audience=" + audience.orElse("any")
        + ", nameClaim=" + nameClaim + ", rolesClaim=" + rolesClaim
        + ", resourcesClaim=" + resourcesClaim + ", defaultAccess=" + defaultAccess
        + ", adminRole=" + adminRole + ", emergencyRole=" + emergencyRole
        + ", serviceRole=" + serviceRole + "]";
  }
}
