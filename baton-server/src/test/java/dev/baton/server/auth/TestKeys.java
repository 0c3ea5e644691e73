package dev.baton.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.server.config.AuthConfig;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.Overrides;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/** Keys, PEM text and token signing for the auth tests. */
final class TestKeys {

  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210";
  /** Wall time of the tests' fake clock: 2025-11-29 12:00 UTC. */
  static final long NOW_MS = 1_764_417_600_000L;

  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair OTHER_RSA = generate("RSA", 2048);
  static final KeyPair EC = generateEc("secp256r1");

  private TestKeys() {}

  static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair generateEc(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM text of a DER blob with the given label. */
  static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** PEM {@code PUBLIC KEY} of a key pair. */
  static String publicPem(KeyPair pair) {
    return pem("PUBLIC KEY", pair.getPublic().getEncoded());
  }

  /** Auth configuration from {@code BATON_*} variables, as the server would load it. */
  static AuthConfig auth(Map<String, String> env) {
    return BatonConfig.load(null, env, Overrides.none()).auth();
  }

  /** Claims valid at {@link #NOW_MS} for one hour. */
  static JWTClaimsSet.Builder claims(String sub) {
    return new JWTClaimsSet.Builder()
        .subject(sub)
        .issueTime(new Date(NOW_MS))
        .expirationTime(new Date(NOW_MS + 3_600_000));
  }

  static String hs256(String secret, JWTClaimsSet claims) {
    return hs256(secret.getBytes(StandardCharsets.UTF_8), claims);
  }

  static String hs256(byte[] secret, JWTClaimsSet claims) {
    try {
      return sign(JWSAlgorithm.HS256, new MACSigner(secret), claims, null);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(KeyPair pair, JWTClaimsSet claims, String kid) {
    return sign(JWSAlgorithm.RS256, new RSASSASigner(pair.getPrivate()), claims, kid);
  }

  static String es256(KeyPair pair, JWTClaimsSet claims, String kid) {
    try {
      return sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) pair.getPrivate()), claims, kid);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSAlgorithm alg, JWSSigner signer, JWTClaimsSet claims, String kid) {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** base64url without padding of UTF-8 text. */
  static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
