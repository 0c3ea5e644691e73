package dev.baton.core.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random identifiers: resume tokens (256 bits, stored only as their SHA-256) and session ids (128
 * bits). Thread-safe.
 */
public final class ResumeTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private ResumeTokens() {}

  /** A new resume token: 256 random bits, base64url. */
  public static String newToken() {
    return random(32);
  }

  /** A new session id: 128 random bits, base64url. */
  public static String newSessionId() {
    return random(16);
  }

  /** The SHA-256 of a token, hex: what a store keeps instead of the token. */
  public static String hash(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return BASE64URL.encodeToString(b);
  }
}
