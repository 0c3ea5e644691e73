package dev.baton.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeTokensTest {

  private static final String BASE64URL = "[A-Za-z0-9_-]+";

  @Test
  void tokensCarryAtLeast128Bits() {
    for (int i = 0; i < 100; i++) {
      String token = ResumeTokens.newToken();
      assertThat(token).matches(BASE64URL);
      assertThat(Base64.getUrlDecoder().decode(token)).hasSizeGreaterThanOrEqualTo(16);
    }
  }

  @Test
  void sessionIdsCarryAtLeast128Bits() {
    String id = ResumeTokens.newSessionId();

    assertThat(id).matches(BASE64URL);
    assertThat(Base64.getUrlDecoder().decode(id)).hasSizeGreaterThanOrEqualTo(16);
  }

  @Test
  void tokensAreDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(ResumeTokens.newToken());
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void sessionIdsAreDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(ResumeTokens.newSessionId());
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void hashIsSha256InLowerCaseHex() {
    assertThat(ResumeTokens.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void hashIsStableAnd64HexCharacters() {
    String token = ResumeTokens.newToken();
    String hash = ResumeTokens.hash(token);

    assertThat(hash).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(ResumeTokens.hash(token));
    assertThat(hash).doesNotContain(token);
  }

  @Test
  void differentTokensHashDifferently() {
    assertThat(ResumeTokens.hash(ResumeTokens.newToken()))
        .isNotEqualTo(ResumeTokens.hash(ResumeTokens.newToken()));
  }
}
