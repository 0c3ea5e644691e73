package dev.baton.server.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.TestServer;
import dev.baton.server.testing.TestServer.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The HTTP side of the fuzz: {@code POST /v1/locks/verify}, {@code GET /v1/resources/...} and {@code
 * DELETE /v1/locks/...} with stolen and guessed fencing tokens, without a JWT, with forged JWTs, with a
 * clinician's JWT (no service role), and with a JWT in the query string (never read). None of them may
 * release the honest lock, show its token, or answer 500. Owned by one thread.
 */
final class HttpProbe implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REQUESTS = 300;

  private final TestServer server;
  private final String honest;
  private final long token;
  private final ForgedTokens forged;
  private final Random random;
  private final Verdicts verdicts;

  HttpProbe(TestServer server, String honest, long token, ForgedTokens forged, long seed, Verdicts verdicts) {
    this.server = server;
    this.honest = honest;
    this.token = token;
    this.forged = forged;
    this.random = new Random(seed - 1);
    this.verdicts = verdicts;
  }

  @Override
  public void run() {
    String clinician = server.token("mallory", "Mallory", "clinician");
    String service = server.serviceToken();
    String path = "/v1/resources/" + URLEncoder.encode(honest, StandardCharsets.UTF_8);
    for (int i = 0; i < REQUESTS; i++) {
      long guess = List.of(token + 1, token - 1, 0L, -1L, Long.MAX_VALUE, random.nextLong()).get(random.nextInt(6));
      // A header value cannot hold control characters: the JDK client would refuse to send it.
      String bearer = List.of(clinician, forged.pick(random).replaceAll("\\p{Cntrl}", ""), "").get(random.nextInt(3));
      Response r;
      String what;
      int expected;
      boolean asService = false;
      try {
        switch (random.nextInt(6)) {
          case 0 -> {
            what = "verify with a guessed token as the service";
            r = server.post("/v1/locks/verify", service, body(guess));
            expected = 409;
            asService = true;
          }
          case 1 -> {
            what = "verify with the stolen token without the service role";
            r = server.post("/v1/locks/verify", bearer.isEmpty() ? null : bearer, body(token));
            expected = bearer.equals(clinician) ? 403 : 401;
          }
          case 2 -> {
            what = "resource state without the service role";
            r = server.get(path, bearer.isEmpty() ? null : bearer);
            expected = bearer.equals(clinician) ? 403 : 401;
          }
          case 3 -> {
            what = "force release without the admin role";
            r = server.delete("/v1/locks/" + URLEncoder.encode(honest, StandardCharsets.UTF_8),
                bearer.isEmpty() ? null : bearer, "{\"reason\":\"fuzz\"}");
            expected = bearer.equals(clinician) ? 403 : 401;
          }
          case 4 -> {
            what = "a JWT in the query string";
            r = server.get(path + "?access_token=" + service + "&token=" + service + "&jwt=" + service, null);
            expected = 401;
          }
          default -> {
            what = "verify with a malformed body";
            r = server.post("/v1/locks/verify", service, List.of("{", "[]", "{\"resource\":5,\"token\":\"x\"}",
                "{\"resource\":\"" + honest + "\",\"token\":1.5}", "null", "\"\u0000\"").get(random.nextInt(6)));
            expected = 400;
            asService = true;
          }
        }
      } catch (RuntimeException e) {
        verdicts.fail("http request " + i + ": " + e);
        continue;
      }
      boolean statusOk = r.status() == expected || (expected == 400 && r.status() >= 400 && r.status() < 500);
      // The service and admin roles may see fencing tokens; nobody else ever does.
      if (!statusOk || (!asService && r.body().contains(Long.toString(token)))) {
        verdicts.fail("http request " + i + " (" + what + "): expected " + expected + ", got " + r.status() + " "
            + r.body());
      }
    }
  }

  private String body(long fencingToken) {
    try {
      return JSON.writeValueAsString(Map.of("resource", honest, "token", fencingToken));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
