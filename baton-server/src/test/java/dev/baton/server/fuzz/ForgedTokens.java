package dev.baton.server.fuzz;

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
import dev.baton.server.testing.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Random;

/**
 * JWTs a server configured with {@link TestServer#SECRET} (HS256) and the public key of {@link
 * #SERVER_RSA} (RS256) must refuse: {@code alg: none} in several spellings, wrong keys, HS256 signed
 * with the RSA public key (algorithm confusion), algorithms of key kinds not configured, expired and
 * not-yet-valid tokens, tampered headers and payloads, and malformed compact forms. Every token claims
 * the admin, emergency and service roles, so that an accepted forgery would be noticed. Immutable after
 * construction; thread-safe.
 */
final class ForgedTokens {

  /** The RSA key pair whose public half the fuzzed server accepts for RS256. */
  static final KeyPair SERVER_RSA = generate("RSA", 2048);

  private static final KeyPair OTHER_RSA = generate("RSA", 2048);
  private static final KeyPair EC = generateEc();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final List<String> forged = new ArrayList<>();

  /** Builds the forgeries for user {@code sub}, valid-looking for an hour from now. */
  ForgedTokens(String sub) {
    long nowMs = System.currentTimeMillis();
    JWTClaimsSet claims = claims(sub, nowMs - 60_000, nowMs + 3_600_000).build();
    String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    for (String alg : List.of("none", "None", "NONE", "nOnE")) {
      String header = B64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
      forged.add(header + "." + payload + ".");
      forged.add(header + "." + payload);
    }
    String genuine = hmac(TestServer.SECRET.getBytes(StandardCharsets.UTF_8), header(JWSAlgorithm.HS256), claims);
    String[] parts = genuine.split("\\.");
    forged.add(B64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2]);
    forged.add(hmac("another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8),
        header(JWSAlgorithm.HS256), claims));
    String rsaPem = pem(SERVER_RSA.getPublic().getEncoded());
    forged.add(hmac(rsaPem.getBytes(StandardCharsets.UTF_8), header(JWSAlgorithm.HS256), claims));
    forged.add(hmac(SERVER_RSA.getPublic().getEncoded(), header(JWSAlgorithm.HS256), claims));
    forged.add(sign(new RSASSASigner(OTHER_RSA.getPrivate()), header(JWSAlgorithm.RS256), claims));
    forged.add(sign(new RSASSASigner(SERVER_RSA.getPrivate()), header(JWSAlgorithm.RS512), claims));
    forged.add(es256(claims));
    forged.add(hmac((TestServer.SECRET + TestServer.SECRET).getBytes(StandardCharsets.UTF_8),
        header(JWSAlgorithm.HS512), claims));
    byte[] secret = TestServer.SECRET.getBytes(StandardCharsets.UTF_8);
    forged.add(hmac(secret, header(JWSAlgorithm.HS256), claims(sub, nowMs - 7_200_000, nowMs - 3_600_000).build()));
    forged.add(hmac(secret, header(JWSAlgorithm.HS256),
        claims(sub, nowMs + 3_600_000, nowMs + 7_200_000).notBeforeTime(new Date(nowMs + 3_600_000)).build()));
    forged.add(hmac(secret, header(JWSAlgorithm.HS256),
        new JWTClaimsSet.Builder(claims).expirationTime(null).build()));
    forged.add(hmac(secret, header(JWSAlgorithm.HS256), new JWTClaimsSet.Builder(claims).subject(null).build()));
    forged.add(hmac(secret, new JWSHeader.Builder(JWSAlgorithm.HS256).criticalParams(java.util.Set.of("x-baton"))
        .customParam("x-baton", 1).build(), claims));
    forged.add(hmac("wrong-secret-wrong-secret-wrong-secret-00".getBytes(StandardCharsets.UTF_8),
        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("../../../../dev/null")
            .jwkURL(URI.create("http://127.0.0.1:9/jwks.json")).x509CertURL(URI.create("http://127.0.0.1:9/x5u"))
            .build(), claims));
    // Tampered: a genuine token of a plain user, its payload or header changed, its signature kept.
    JWTClaimsSet plain = new JWTClaimsSet.Builder(claims).claim("roles", List.of("clinician")).build();
    String[] honest = hmac(secret, header(JWSAlgorithm.HS256), plain).split("\\.");
    forged.add(honest[0] + "." + payload + "." + honest[2]);
    forged.add(B64.encodeToString("{\"alg\":\"HS384\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + honest[1] + "." + honest[2]);
    forged.add(honest[0] + "." + honest[1] + "." + flipFirst(honest[2]));
    forged.add(honest[0] + "." + honest[1] + "." + honest[2] + "." + honest[2]);
    forged.add(honest[0] + "." + honest[1] + "." + honest[2] + ".." + honest[2]);
    forged.add(honest[0] + "." + honest[1]);
    forged.add("Bearer " + genuine.replace('.', ' '));
    forged.add(honest[0] + "..." + honest[2]);
    forged.add("e30.e30.");
    forged.add("....");
    forged.add(".");
    forged.add("\u0000" + genuine.substring(1));
  }

  /** One forgery, chosen with {@code random}. */
  String pick(Random random) {
    return forged.get(random.nextInt(forged.size()));
  }

  private static JWTClaimsSet.Builder claims(String sub, long issuedMs, long expiresMs) {
    return new JWTClaimsSet.Builder()
        .subject(sub)
        .claim("name", "Mallory " + sub)
        .claim("roles", List.of("admin", "emergency", "service"))
        .issueTime(new Date(issuedMs))
        .expirationTime(new Date(expiresMs));
  }

  private static JWSHeader header(JWSAlgorithm alg) {
    return new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build();
  }

  private static String hmac(byte[] key, JWSHeader header, JWTClaimsSet claims) {
    try {
      return sign(new MACSigner(key), header, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String es256(JWTClaimsSet claims) {
    try {
      return sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()), header(JWSAlgorithm.ES256), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(header.getAlgorithm() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The signature with its first character changed. Not the last: the last base64url character of a
   * 32-byte HMAC carries 4 data bits and 2 unused ones, so 'A' and 'B' (or 'C', 'D') decode to the
   * same bytes and such a "tampered" token is the genuine one; the first character is 6 data bits.
   */
  private static String flipFirst(String s) {
    char first = s.charAt(0);
    return (first == 'A' ? 'B' : 'A') + s.substring(1);
  }

  /** PEM {@code PUBLIC KEY} text of a DER-encoded key. */
  static String pem(byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generateEc() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
