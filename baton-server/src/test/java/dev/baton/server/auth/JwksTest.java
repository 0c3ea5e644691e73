package dev.baton.server.auth;

import static dev.baton.server.auth.TestKeys.EC;
import static dev.baton.server.auth.TestKeys.NOW_MS;
import static dev.baton.server.auth.TestKeys.OTHER_RSA;
import static dev.baton.server.auth.TestKeys.RSA;
import static dev.baton.server.auth.TestKeys.auth;
import static dev.baton.server.auth.TestKeys.claims;
import static dev.baton.server.auth.TestKeys.es256;
import static dev.baton.server.auth.TestKeys.hs256;
import static dev.baton.server.auth.TestKeys.rs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.baton.core.time.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys from a JWKS endpoint, served by the JDK's HTTP server on loopback. */
class JwksTest {

  private HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private JwtAuthenticator jwt;

  @BeforeEach
  void serveJwks() throws Exception {
    String body =
        new JWKSet(
                List.of(
                    new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("rsa-1").build(),
                    new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("ec-1").build()))
            .toString();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    jwt =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_JWKS_URI", uri)), new FakeClock(0, NOW_MS));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void rs256AndEs256TokensVerifyAgainstTheKeySet() {
    assertThat(jwt.authenticate(rs256(RSA, claims("r").build(), "rsa-1")).userId()).isEqualTo("r");
    assertThat(jwt.authenticate(es256(EC, claims("e").build(), "ec-1")).userId()).isEqualTo("e");
    assertThat(jwt.authenticate(rs256(RSA, claims("n").build(), null)).userId()).isEqualTo("n");
    assertThat(fetches.get()).isEqualTo(1);
    assertThat(jwt.mayBlock()).isTrue();
    assertThat(jwt.acceptedAlgorithms()).containsExactly("ES256", "RS256");
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() {
    assertThatThrownBy(() -> jwt.authenticate(rs256(OTHER_RSA, claims("r").build(), "rsa-1")))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("invalid signature");
  }

  @Test
  void anUnknownKeyIdIsRefused() {
    assertThatThrownBy(() -> jwt.authenticate(rs256(OTHER_RSA, claims("r").build(), "rsa-9")))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("no key matches the token");
  }

  @Test
  void hs256IsRefusedWithAJwksOnly() {
    byte[] publicKeyBytes = RSA.getPublic().getEncoded();

    assertThatThrownBy(() -> jwt.authenticate(hs256(publicKeyBytes, claims("r").build())))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("token algorithm HS256 is not accepted");
  }

  @Test
  void anUnreachableJwksRefusesTheToken() {
    server.stop(0);
    JwtAuthenticator unreachable =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_JWKS_URI", "http://127.0.0.1:1/jwks.json")),
            new FakeClock(0, NOW_MS));

    assertThatThrownBy(() -> unreachable.authenticate(rs256(RSA, claims("r").build(), "rsa-1")))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("signing keys are unavailable");
  }
}
