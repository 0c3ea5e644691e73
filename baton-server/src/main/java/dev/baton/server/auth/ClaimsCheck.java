package dev.baton.server.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.baton.core.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * The claim rules of a Baton token, checked after the signature: {@code exp} required and in the
 * future, {@code nbf} (if any) in the past, both with {@link #CLOCK_SKEW} of tolerance for clocks of
 * the identity provider and this node that disagree; {@code iss} and {@code aud} as configured; a
 * non-blank {@code sub}. Messages are short and safe to send to the client.
 *
 * <p>Thread-safe if the clock is.
 */
final class ClaimsCheck implements JWTClaimsSetVerifier<SecurityContext> {

  /** Tolerance for {@code exp} and {@code nbf}: 60 s, as nimbus's default. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private final String issuer;
  private final String audience;
  private final Clock clock;

  /**
   * @param issuer the required {@code iss}, or null for any
   * @param audience the required {@code aud} entry, or null for any
   * @param clock read for its wall clock only
   */
  ClaimsCheck(String issuer, String audience, Clock clock) {
    this.issuer = issuer;
    this.audience = audience;
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
    long nowMs = clock.wallMillis();
    long skewMs = CLOCK_SKEW.toMillis();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new BadJWTException("token has no exp");
    }
    if (nowMs - skewMs >= exp.getTime()) {
      throw new BadJWTException("token expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nowMs + skewMs < nbf.getTime()) {
      throw new BadJWTException("token not valid yet");
    }
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      throw new BadJWTException("token issuer not accepted");
    }
    if (audience != null) {
      List<String> aud = claims.getAudience();
      if (aud == null || !aud.contains(audience)) {
        throw new BadJWTException("token audience not accepted");
      }
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isBlank()) {
      throw new BadJWTException("token has no sub");
    }
  }
}
