package dev.baton.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.core.identity.Access;
import dev.baton.core.time.Clock;
import dev.baton.server.config.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Creates HS256 tokens that {@link JwtAuthenticator} accepts: {@code sub}, the name, roles and
 * (optional) resources claims, {@code iss} and {@code aud} when given, {@code iat} and
 * {@code exp = now + ttl} (whole seconds). Used by {@code baton token} and by dev mode's
 * {@code POST /dev/token}.
 *
 * <p>Thread-safe (immutable; nimbus's {@code MACSigner} is thread-safe).
 */
public final class TokenMinter {

  /** The validity of a token when none is asked for. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** The shortest secret accepted, in bytes of UTF-8: HS256 needs 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  private final MACSigner signer;
  private final String issuer;
  private final String audience;
  private final String nameClaim;
  private final String rolesClaim;
  private final String resourcesClaim;
  private final Clock clock;

  private TokenMinter(
      String secret,
      String issuer,
      String audience,
      String nameClaim,
      String rolesClaim,
      String resourcesClaim,
      Clock clock) {
    Objects.requireNonNull(secret, "secret");
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the secret must be at least " + MIN_SECRET_BYTES
              + " bytes (HS256 needs a 256-bit key); it has " + key.length);
    }
    try {
      this.signer = new MACSigner(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the secret cannot be used for HS256", e);
    }
    this.issuer = issuer;
    this.audience = audience;
    this.nameClaim = Objects.requireNonNull(nameClaim);
    this.rolesClaim = Objects.requireNonNull(rolesClaim);
    this.resourcesClaim = Objects.requireNonNull(resourcesClaim);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A minter with the default claim names ({@code name}, {@code roles}, {@code res}).
   *
   * @param secret the HMAC secret, used as its UTF-8 bytes
   * @param issuer the {@code iss} to set, or null
   * @param audience the {@code aud} to set, or null
   * @param clock its wall clock gives {@code iat} and {@code exp}
   * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_SECRET_BYTES}
   */
  public static TokenMinter withSecret(String secret, String issuer, String audience, Clock clock) {
    return new TokenMinter(secret, issuer, audience, "name", "roles", "res", clock);
  }

  /**
   * A minter for this server's own configuration: its HMAC secret, issuer, audience and claim names.
   *
   * @throws IllegalStateException if {@code auth} has no HMAC secret (not possible in dev mode)
   * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_SECRET_BYTES}
   */
  public static TokenMinter forConfig(AuthConfig auth, Clock clock) {
    String secret =
        auth.hmacSecret().orElseThrow(() -> new IllegalStateException("auth.hmacSecret is not set"));
    return new TokenMinter(
        secret,
        auth.issuer().orElse(null),
        auth.audience().orElse(null),
        auth.nameClaim(),
        auth.rolesClaim(),
        auth.resourcesClaim(),
        clock);
  }

  /**
   * Signs a token.
   *
   * @return the compact JWT
   * @throws IllegalArgumentException if a resources key is not {@code type:*}, {@code type:id} or
   *     {@code type:id:child}
   */
  public String mint(TokenRequest request) {
    long nowMs = clock.wallMillis();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(request.subject())
            .issueTime(new Date(nowMs))
            .expirationTime(new Date(nowMs + request.ttl().toMillis()))
            .claim(rolesClaim, request.roles());
    if (request.name() != null) {
      claims.claim(nameClaim, request.name());
    }
    if (request.resources() != null) {
      Map<String, String> res = new LinkedHashMap<>();
      for (Map.Entry<String, Access> e : request.resources().entrySet()) {
        res.put(ResourceClaims.normalizeKey(e.getKey()), ResourceClaims.value(e.getValue()));
      }
      claims.claim(resourcesClaim, res);
    }
    if (issuer != null) {
      claims.issuer(issuer);
    }
    if (audience != null) {
      claims.audience(audience);
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }
}
