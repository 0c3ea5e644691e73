package dev.baton.server.auth;

import static dev.baton.server.auth.TestKeys.NOW_MS;
import static dev.baton.server.auth.TestKeys.SECRET;
import static dev.baton.server.auth.TestKeys.auth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.Principal;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.FakeClock;
import dev.baton.server.config.AuthConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenMinterTest {

  private final FakeClock clock = new FakeClock(0, NOW_MS);

  @Test
  void aMintedTokenIsAcceptedWithTheServersConfiguration() throws Exception {
    AuthConfig config =
        auth(
            Map.of(
                "BATON_AUTH_HMAC_SECRET", SECRET,
                "BATON_AUTH_ISSUER", "baton-dev",
                "BATON_AUTH_AUDIENCE", "baton",
                "BATON_AUTH_ROLES_CLAIM", "groups"));
    String token =
        TokenMinter.forConfig(config, clock)
            .mint(
                new TokenRequest(
                    "u1",
                    "Dr. Smith",
                    List.of("admin"),
                    Map.of("operation-report:7F1C0D4E-9A3B-4C2D-8E1F-0A2B3C4D5E6F", Access.EDIT),
                    Duration.ofMinutes(10)));

    Principal p = new JwtAuthenticator(config, clock).authenticate(token);

    assertThat(p.userId()).isEqualTo("u1");
    assertThat(p.name()).isEqualTo("Dr. Smith");
    assertThat(p.roles()).containsExactly("admin");
    assertThat(
            p.access()
                .accessTo(ResourceId.parse("operation-report:7f1c0d4e-9a3b-4c2d-8e1f-0a2b3c4d5e6f:x")))
        .isEqualTo(Access.EDIT);
    var claims = SignedJWT.parse(token).getJWTClaimsSet();
    assertThat(claims.getIssueTime().getTime()).isEqualTo(NOW_MS);
    assertThat(claims.getExpirationTime().getTime()).isEqualTo(NOW_MS + 600_000);
    assertThat(claims.getIssuer()).isEqualTo("baton-dev");
    assertThat(claims.getAudience()).containsExactly("baton");
    assertThat(claims.getClaim("groups")).isEqualTo(List.of("admin"));
  }

  @Test
  void theTokenExpiresAfterItsTtl() {
    AuthConfig config = auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET));
    String token =
        TokenMinter.forConfig(config, clock)
            .mint(new TokenRequest("u1", null, List.of(), null, Duration.ofMinutes(1)));
    JwtAuthenticator jwt = new JwtAuthenticator(config, clock);

    assertThat(jwt.authenticate(token).name()).isEqualTo("u1");
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> jwt.authenticate(token)).hasMessage("token expired");
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> TokenMinter.withSecret("short", null, null, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the secret must be at least 32 bytes (HS256 needs a 256-bit key); it has 5");
  }

  @Test
  void aConfigurationWithoutSecretCannotMint() {
    AuthConfig jwksOnly = auth(Map.of("BATON_AUTH_JWKS_URI", "https://id.example/jwks.json"));

    assertThatThrownBy(() -> TokenMinter.forConfig(jwksOnly, clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("auth.hmacSecret is not set");
  }

  @Test
  void aRequestIsValidated() {
    assertThatThrownBy(() -> new TokenRequest(" ", null, List.of(), null, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("subject must not be blank");
    assertThatThrownBy(() -> new TokenRequest("u1", null, List.of(), null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive");
    TokenMinter minter = TokenMinter.withSecret(SECRET, null, null, clock);
    TokenRequest badKey =
        new TokenRequest("u1", null, List.of(), Map.of("x", Access.VIEW), Duration.ofMinutes(1));
    assertThatThrownBy(() -> minter.mint(badKey)).isInstanceOf(IllegalArgumentException.class);
  }
}
