package dev.baton.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.baton.core.identity.Principal;
import dev.baton.core.time.Clock;
import dev.baton.server.config.AuthConfig;
import dev.baton.server.config.ConfigException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies a JWT and turns it into a {@link Principal} (SPEC sections 3 and 5).
 *
 * <p>Signatures: HS256 with {@code auth.hmacSecret}; RS256 / ES256 with the RSA / P-256 keys of
 * {@code auth.publicKey} or of the JWKS at {@code auth.jwksUri}. Only algorithms matching a configured
 * key kind are accepted, so {@code alg: none}, encrypted tokens and algorithm confusion (an HS256
 * token "signed" with the RSA public key) are refused. Claims: {@code exp} required, {@code exp} and
 * {@code nbf} checked with {@link #CLOCK_SKEW} of tolerance, {@code iss} and {@code aud} when
 * configured, {@code sub} required. Then the name, roles and resources claims are read (see
 * {@link AuthConfig}).
 *
 * <p>Thread-safe: build one at start-up and share it. {@link #authenticate} does no I/O except with
 * {@code auth.jwksUri}, where it may block on an HTTP fetch of the key set (cached; connect and read
 * timeouts of 2 s each, {@code SigningKeys.JWKS_TIMEOUT_MS}): see {@link #mayBlock()}.
 */
public final class JwtAuthenticator {

  /** Tolerance for {@code exp} and {@code nbf} between the identity provider's clock and ours. */
  public static final Duration CLOCK_SKEW = ClaimsCheck.CLOCK_SKEW;

  /** Tokens longer than this many characters are refused before parsing. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** {@code typ} values accepted besides none: plain JWTs and OAuth access tokens (RFC 9068). */
  private static final Set<JOSEObjectType> ACCEPTED_TYPES =
      Set.of(
          JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"));

  private final SigningKeys keys;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final PrincipalReader principals;

  /**
   * Uses the system clock.
   *
   * @throws ConfigException as {@link #JwtAuthenticator(AuthConfig, Clock)}
   */
  public JwtAuthenticator(AuthConfig config) {
    this(config, Clock.system());
  }

  /**
   * @param config the validated {@code auth} section
   * @param clock its wall clock decides {@code exp} and {@code nbf}
   * @throws ConfigException naming {@code auth.publicKey} or {@code auth.jwksUri} if a key cannot be
   *     used, or {@code auth} if no key source is configured at all
   */
  public JwtAuthenticator(AuthConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    this.keys = new SigningKeys(config);
    if (keys.accepted().isEmpty()) {
      throw new ConfigException(
          "auth: no way to verify tokens: set auth.hmacSecret, auth.publicKey or auth.jwksUri");
    }
    this.processor = new DefaultJWTProcessor<>();
    // A token without typ is accepted too; the verifier needs null among its types for that (a
    // Set.of cannot hold null, and its contains(null) throws).
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
        JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    processor.setJWSKeySelector(keys);
    processor.setJWTClaimsSetVerifier(
        new ClaimsCheck(config.issuer().orElse(null), config.audience().orElse(null), clock));
    this.principals = new PrincipalReader(config);
  }

  /**
   * Verifies {@code token} and reads its principal.
   *
   * @param token the compact JWT, without a {@code Bearer } prefix
   * @return the caller
   * @throws AuthenticationException with a short message that never contains the token, if the token
   *     is missing, malformed, unsigned, encrypted, uses an algorithm that no configured key accepts,
   *     has a bad signature, fails a claim rule or has a malformed roles or resources claim
   */
  public Principal authenticate(String token) {
    return verify(token).principal();
  }

  /**
   * Verifies {@code token} as {@link #authenticate} does, and also returns its {@code exp} (a
   * WebSocket connection closes when its token expires unless {@code auth.refresh} replaced it).
   *
   * @throws AuthenticationException as {@link #authenticate}
   */
  public VerifiedToken verify(String token) {
    if (token == null || token.isBlank()) {
      throw new AuthenticationException("token is missing");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new AuthenticationException("token is too long");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      throw new AuthenticationException("token is malformed");
    }
    if (jwt instanceof PlainJWT) {
      throw new AuthenticationException("unsigned tokens are not accepted");
    }
    if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
      throw new AuthenticationException("encrypted tokens are not accepted");
    }
    JOSEObjectType type = signed.getHeader().getType();
    if (type != null && !ACCEPTED_TYPES.contains(type)) {
      throw new AuthenticationException("token type is not accepted");
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!keys.accepted().contains(alg)) {
      throw new AuthenticationException("token algorithm " + alg + " is not accepted");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (BadJWSException e) {
      throw new AuthenticationException("invalid signature");
    } catch (BadJWTException e) {
      throw new AuthenticationException(e.getMessage());
    } catch (BadJOSEException e) {
      throw new AuthenticationException("no key matches the token");
    } catch (KeySourceException e) {
      throw new AuthenticationException("signing keys are unavailable");
    } catch (JOSEException e) {
      throw new AuthenticationException("token cannot be verified");
    }
    return new VerifiedToken(principals.read(claims), claims.getExpirationTime().getTime());
  }

  /**
   * Whether {@link #authenticate} may block on network I/O (when {@code auth.jwksUri} is configured);
   * if so, call it off the event loop.
   */
  public boolean mayBlock() {
    return keys.mayBlock();
  }

  /** The accepted algorithm names ({@code HS256}, {@code RS256}, {@code ES256}), sorted, for logs. */
  public Set<String> acceptedAlgorithms() {
    Set<String> names = new TreeSet<>();
    keys.accepted().forEach(a -> names.add(a.getName()));
    return names;
  }
}
