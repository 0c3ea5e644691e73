package dev.baton.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.baton.server.config.AuthConfig;
import dev.baton.server.config.ConfigException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The verification keys of the configured key sources, selected by the token's algorithm. Only the
 * algorithms that match a configured key kind are accepted: HS256 with {@code auth.hmacSecret}, RS256
 * with RSA keys and ES256 with P-256 keys from {@code auth.publicKey} or {@code auth.jwksUri}. So an
 * HS256 token is never checked against an RSA public key (algorithm confusion) and {@code alg: none}
 * never matches anything.
 *
 * <p>Thread-safe: the keys are immutable and nimbus's JWK source caches in a thread-safe way.
 */
final class SigningKeys implements JWSKeySelector<SecurityContext> {

  private final SecretKey hmac;
  private final List<PublicKey> publicKeys;
  private final JWSKeySelector<SecurityContext> jwks;
  private final Set<JWSAlgorithm> accepted;

  /**
   * @throws ConfigException naming the key of an unusable public key or JWKS URL
   */
  SigningKeys(AuthConfig config) {
    this.hmac =
        config
            .hmacSecret()
            .map(s -> (SecretKey) new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
            .orElse(null);
    this.publicKeys = config.publicKey().map(PemPublicKeys::parse).orElse(List.of());
    this.jwks = config.jwksUri().map(SigningKeys::jwksSelector).orElse(null);
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    if (hmac != null) {
      algs.add(JWSAlgorithm.HS256);
    }
    for (PublicKey key : publicKeys) {
      algs.add(key instanceof RSAPublicKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256);
    }
    if (jwks != null) {
      algs.add(JWSAlgorithm.RS256);
      algs.add(JWSAlgorithm.ES256);
    }
    this.accepted = Collections.unmodifiableSet(algs);
  }

  /** Whether {@code key} is an EC key on curve P-256. */
  static boolean isP256(ECPublicKey key) {
    return Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()));
  }

  /** The algorithms a token may use; empty when no key source is configured. */
  Set<JWSAlgorithm> accepted() {
    return accepted;
  }

  /** Whether selecting keys may block on HTTP (a JWKS fetch or refresh). */
  boolean mayBlock() {
    return jwks != null;
  }

  /**
   * The keys to try for a token with {@code header}; empty when its algorithm is not accepted.
   *
   * @throws KeySourceException if the JWKS cannot be fetched
   */
  @Override
  public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context)
      throws KeySourceException {
    JWSAlgorithm alg = header.getAlgorithm();
    if (!accepted.contains(alg)) {
      return List.of();
    }
    List<Key> keys = new ArrayList<>();
    if (JWSAlgorithm.HS256.equals(alg)) {
      keys.add(hmac);
      return keys;
    }
    for (PublicKey key : publicKeys) {
      boolean rsa = key instanceof RSAPublicKey;
      if (rsa == JWSAlgorithm.RS256.equals(alg)) {
        keys.add(key);
      }
    }
    if (jwks != null) {
      keys.addAll(jwks.selectJWSKeys(header, context));
    }
    return keys;
  }

  /**
   * Connect and read timeout of a key-set fetch, in milliseconds: nimbus's default is 500 ms each,
   * which a busy identity provider (or node) misses; the fetch runs off the event loop and is cached.
   */
  static final int JWKS_TIMEOUT_MS = 2_000;

  private static JWSKeySelector<SecurityContext> jwksSelector(URI uri) {
    JWKSource<SecurityContext> source;
    try {
      source = JWKSourceBuilder.<SecurityContext>create(uri.toURL(), new DefaultResourceRetriever(
              JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT))
          .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new ConfigException("auth.jwksUri " + uri + " is not a usable URL", e);
    }
    return new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), source);
  }
}
