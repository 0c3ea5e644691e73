package dev.baton.server.auth;

import static dev.baton.server.auth.TestKeys.EC;
import static dev.baton.server.auth.TestKeys.NOW_MS;
import static dev.baton.server.auth.TestKeys.OTHER_RSA;
import static dev.baton.server.auth.TestKeys.OTHER_SECRET;
import static dev.baton.server.auth.TestKeys.RSA;
import static dev.baton.server.auth.TestKeys.SECRET;
import static dev.baton.server.auth.TestKeys.auth;
import static dev.baton.server.auth.TestKeys.b64;
import static dev.baton.server.auth.TestKeys.claims;
import static dev.baton.server.auth.TestKeys.es256;
import static dev.baton.server.auth.TestKeys.hs256;
import static dev.baton.server.auth.TestKeys.publicPem;
import static dev.baton.server.auth.TestKeys.rs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.core.identity.Principal;
import dev.baton.core.time.FakeClock;
import dev.baton.server.config.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {

  private final FakeClock clock = new FakeClock(0, NOW_MS);

  private JwtAuthenticator hmac() {
    return new JwtAuthenticator(auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET)), clock);
  }

  private JwtAuthenticator withPublicKey(String pem) {
    return new JwtAuthenticator(auth(Map.of("BATON_AUTH_PUBLIC_KEY", pem)), clock);
  }

  private static void refused(JwtAuthenticator a, String token, String message) {
    assertThatThrownBy(() -> a.authenticate(token))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage(message)
        .message()
        .doesNotContain(token);
  }

  @Test
  void aValidHs256TokenGivesItsPrincipal() {
    Principal p = hmac().authenticate(hs256(SECRET, claims("u1").claim("name", "Dr. Smith").build()));

    assertThat(p.userId()).isEqualTo("u1");
    assertThat(p.name()).isEqualTo("Dr. Smith");
    assertThat(p.roles()).isEmpty();
  }

  @Test
  void aTokenWithoutTypIsAcceptedAndAWrongOneWithoutTypIsRefusedWithAMessage() throws Exception {
    // Many identity providers omit typ. Found by HostileFramesTest: such a token failed with a
    // NullPointerException (no message) inside nimbus's type check.
    JWTClaimsSet c = claims("u1").build();
    SignedJWT untyped = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), c);
    untyped.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    assertThat(hmac().authenticate(untyped.serialize()).userId()).isEqualTo("u1");

    SignedJWT wrong = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), c);
    wrong.sign(new MACSigner(OTHER_SECRET.getBytes(StandardCharsets.UTF_8)));
    refused(hmac(), wrong.serialize(), "invalid signature");
  }

  @Test
  void aValidRs256TokenIsAccepted() {
    JwtAuthenticator a = withPublicKey(publicPem(RSA));

    assertThat(a.authenticate(rs256(RSA, claims("u1").build(), null)).userId()).isEqualTo("u1");
    assertThat(a.authenticate(rs256(RSA, claims("u2").build(), "some-kid")).userId()).isEqualTo("u2");
    assertThat(a.acceptedAlgorithms()).containsExactly("RS256");
    assertThat(a.mayBlock()).isFalse();
  }

  @Test
  void aValidEs256TokenIsAccepted() {
    JwtAuthenticator a = withPublicKey(publicPem(EC));

    assertThat(a.authenticate(es256(EC, claims("u1").build(), null)).userId()).isEqualTo("u1");
    assertThat(a.acceptedAlgorithms()).containsExactly("ES256");
  }

  @Test
  void severalKeySourcesCanBeConfiguredTogether() {
    JwtAuthenticator a =
        new JwtAuthenticator(
            auth(
                Map.of(
                    "BATON_AUTH_HMAC_SECRET", SECRET,
                    "BATON_AUTH_PUBLIC_KEY", publicPem(RSA) + publicPem(EC))),
            clock);

    assertThat(a.acceptedAlgorithms()).containsExactly("ES256", "HS256", "RS256");
    assertThat(a.authenticate(hs256(SECRET, claims("h").build())).userId()).isEqualTo("h");
    assertThat(a.authenticate(rs256(RSA, claims("r").build(), null)).userId()).isEqualTo("r");
    assertThat(a.authenticate(es256(EC, claims("e").build(), null)).userId()).isEqualTo("e");
  }

  @Test
  void anExpiredTokenIsRefusedAfterTheSkew() {
    JwtAuthenticator a = hmac();
    String token = hs256(SECRET, claims("u1").build());

    clock.advance(Duration.ofHours(1).plusSeconds(59));
    assertThat(a.authenticate(token).userId()).isEqualTo("u1");
    clock.advance(Duration.ofSeconds(1));
    refused(a, token, "token expired");
  }

  @Test
  void aTokenWithoutExpIsRefused() {
    JWTClaimsSet noExp = new JWTClaimsSet.Builder().subject("u1").build();

    refused(hmac(), hs256(SECRET, noExp), "token has no exp");
  }

  @Test
  void aTokenWhoseNbfIsInTheFutureIsRefused() {
    JwtAuthenticator a = hmac();
    String later = hs256(SECRET, claims("u1").notBeforeTime(new Date(NOW_MS + 120_000)).build());
    String withinSkew = hs256(SECRET, claims("u1").notBeforeTime(new Date(NOW_MS + 30_000)).build());

    refused(a, later, "token not valid yet");
    assertThat(a.authenticate(withinSkew).userId()).isEqualTo("u1");
  }

  @Test
  void aWrongIssuerIsRefused() {
    JwtAuthenticator a =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET, "BATON_AUTH_ISSUER", "https://id.example")),
            clock);

    refused(a, hs256(SECRET, claims("u1").issuer("https://evil.example").build()), "token issuer not accepted");
    refused(a, hs256(SECRET, claims("u1").build()), "token issuer not accepted");
    assertThat(a.authenticate(hs256(SECRET, claims("u1").issuer("https://id.example").build())))
        .isNotNull();
  }

  @Test
  void aWrongAudienceIsRefused() {
    JwtAuthenticator a =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET, "BATON_AUTH_AUDIENCE", "baton")), clock);

    refused(a, hs256(SECRET, claims("u1").audience("other").build()), "token audience not accepted");
    refused(a, hs256(SECRET, claims("u1").build()), "token audience not accepted");
    assertThat(
            a.authenticate(hs256(SECRET, claims("u1").audience(java.util.List.of("x", "baton")).build())))
        .isNotNull();
  }

  @Test
  void aTokenWithoutSubIsRefused() {
    JWTClaimsSet noSub = new JWTClaimsSet.Builder().expirationTime(new Date(NOW_MS + 60_000)).build();
    JWTClaimsSet blankSub = claims(" ").build();

    refused(hmac(), hs256(SECRET, noSub), "token has no sub");
    refused(hmac(), hs256(SECRET, blankSub), "token has no sub");
  }

  @Test
  void anUnsignedAlgNoneTokenIsRefused() {
    String payload = "{\"sub\":\"admin\",\"exp\":" + (NOW_MS / 1000 + 3600) + ",\"roles\":[\"admin\"]}";
    String none = b64("{\"alg\":\"none\"}") + "." + b64(payload) + ".";
    String noneTyped = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".";

    refused(hmac(), none, "unsigned tokens are not accepted");
    refused(withPublicKey(publicPem(RSA)), noneTyped, "unsigned tokens are not accepted");
  }

  @Test
  void algorithmConfusionWithTheRsaPublicKeyAsHmacSecretIsRefused() {
    JWTClaimsSet c = claims("admin").claim("roles", java.util.List.of("admin")).build();
    String withDer = hs256(RSA.getPublic().getEncoded(), c);
    String withPem = hs256(publicPem(RSA).getBytes(StandardCharsets.UTF_8), c);

    refused(withPublicKey(publicPem(RSA)), withDer, "token algorithm HS256 is not accepted");
    refused(withPublicKey(publicPem(RSA)), withPem, "token algorithm HS256 is not accepted");
    JwtAuthenticator both =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET, "BATON_AUTH_PUBLIC_KEY", publicPem(RSA))),
            clock);
    refused(both, withDer, "invalid signature");
    refused(both, withPem, "invalid signature");
  }

  @Test
  void anAlgorithmOfAnotherKeyKindIsRefused() {
    refused(hmac(), rs256(RSA, claims("u1").build(), null), "token algorithm RS256 is not accepted");
    refused(
        withPublicKey(publicPem(RSA)),
        es256(EC, claims("u1").build(), null),
        "token algorithm ES256 is not accepted");
  }

  @Test
  void aWrongSignatureIsRefused() {
    refused(hmac(), hs256(OTHER_SECRET, claims("u1").build()), "invalid signature");
    refused(
        withPublicKey(publicPem(RSA)), rs256(OTHER_RSA, claims("u1").build(), null), "invalid signature");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] parts = hs256(SECRET, claims("u1").build()).split("\\.");
    String forged =
        parts[0] + "." + b64("{\"sub\":\"u2\",\"exp\":" + (NOW_MS / 1000 + 3600) + "}") + "." + parts[2];

    refused(hmac(), forged, "invalid signature");
  }

  @Test
  void malformedOrMissingTokensAreRefused() {
    JwtAuthenticator a = hmac();

    refused(a, "not-a-jwt", "token is malformed");
    refused(a, "a.b.c", "token is malformed");
    assertThatThrownBy(() -> a.authenticate(null)).hasMessage("token is missing");
    assertThatThrownBy(() -> a.authenticate(" ")).hasMessage("token is missing");
    assertThatThrownBy(() -> a.authenticate("x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS + 1)))
        .hasMessage("token is too long");
  }

  @Test
  void anUnexpectedTokenTypeIsRefused() {
    String token =
        TestKeys.b64("{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\"}")
            + "."
            + hs256(SECRET, claims("u1").build()).split("\\.")[1]
            + ".sig";

    refused(hmac(), token, "token type is not accepted");
  }

  @Test
  void withoutAnyKeySourceTheAuthenticatorCannotBeBuilt() {
    AuthConfig devWithoutSecret = auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET));
    AuthConfig none =
        new AuthConfig(
            java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
            java.util.Optional.empty(), java.util.Optional.empty(), "name", "roles", "res",
            devWithoutSecret.defaultAccess(), "admin", "emergency", "service");

    assertThatThrownBy(() -> new JwtAuthenticator(none, clock))
        .isInstanceOf(dev.baton.server.config.ConfigException.class)
        .hasMessageStartingWith("auth: no way to verify tokens");
  }
}
