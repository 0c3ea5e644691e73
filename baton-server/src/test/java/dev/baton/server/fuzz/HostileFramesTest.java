package dev.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.identity.Access;
import dev.baton.server.fuzz.HostileFrames.Stage;
import dev.baton.server.fuzz.HostileFrames.Targets;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC guarantee 7, "bad input never hurts others", under fire: at least 10,000 generated hostile
 * frames ({@link HostileFrames}) from six connections at once against one server on the memory store,
 * while an honest holder and an honest viewer sit on a resource. Two lanes send each frame as the first
 * message of a fresh connection, one right behind a valid hello, three on welcomed connections (a
 * clinician, an admin with the emergency role, and a user whose resources claim excludes the honest
 * resource); a seventh lane calls the HTTP API with stolen and guessed fencing tokens and forged JWTs.
 *
 * <p>Every frame must get an {@code error} with a spec code or a close with a spec code: never
 * INTERNAL, never 1011, never a hang ({@link Verdicts}). Afterwards the server is ready, the honest
 * clients received nothing at all, the holder's lock still verifies with the same token, no fencing
 * token reached a session it was not granted to, and a normal scenario works.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=N} replays it, {@code -Dfuzz.frames=N} changes the number
 * of frames (default 10,000). A replay sends the same frames per lane; the interleaving of the lanes
 * depends on the scheduler.
 */
class HostileFramesTest {

  private static final String HONEST_TYPE = "operation-report";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tenThousandHostileFramesHurtNoOne() throws Exception {
    long seed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
    int total = Integer.getInteger("fuzz.frames", 10_000);
    System.out.println("HostileFramesTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    try (TestServer server = TestServer.builder()
        .lock("10m", "60s", "60s")
        .disconnectGrace("2s")
        .publicKey(ForgedTokens.pem(ForgedTokens.SERVER_RSA.getPublic().getEncoded()))
        // The abuse limits would cut most lanes off after a few hundred frames (RATE_LIMITED, 4008):
        // lifted, so that every frame reaches the parser and the store. AbuseLimitsTest tests them.
        .limit("messagesPerSecond", "1000000")
        .limit("messageBurst", "1000000")
        .limit("sessionsPerUser", "100000")
        .start()) {
      String honest = HONEST_TYPE + ":honest-" + Long.toHexString(seed) + ":diagnosis";
      TestClient holder = server.login("honest holder", "smith", "Dr. Smith", "clinician");
      TestClient viewer = server.login("honest viewer", "jane", "Nurse Jane", "clinician");
      JsonNode joined = holder.expect("joined", "join", Map.of("resource", honest, "mode", "edit"));
      long token = joined.path("lock").path("token").asLong();
      viewer.expect("joined", "join", Map.of("resource", honest, "mode", "view"));
      holder.awaitEvent("presence.joined", Duration.ofSeconds(5));
      holder.ping();
      viewer.ping();
      int holderSeen = holder.messages().size();
      int viewerSeen = viewer.messages().size();

      ForgedTokens forged = new ForgedTokens("mallory");
      HostileFrames frames = new HostileFrames(forged);
      Verdicts verdicts = new Verdicts();
      List<String> sessions = List.of(holder.sessionId(), viewer.sessionId());
      List<String> resumes = List.of(holder.resumeToken(), viewer.resumeToken());
      int maxFrame = server.config().server().maxFrameBytes();
      record Plan(String name, Stage stage, String jwt, boolean restricted, double share) {}
      List<Plan> plans = List.of(
          new Plan("anonymous-1", Stage.ANONYMOUS, server.token("anon1", "Anon One", "clinician"), false, 0.15),
          new Plan("anonymous-2", Stage.ANONYMOUS, server.token("anon2", "Anon Two", "clinician"), false, 0.15),
          new Plan("mid-handshake", Stage.MID_HANDSHAKE, server.token("mid", "Mid", "clinician"), false, 0.10),
          new Plan("clinician", Stage.AUTHENTICATED, server.token("mallory", "Mallory", "clinician"), false, 0.20),
          new Plan("admin", Stage.AUTHENTICATED, server.token("eve", "Eve", "admin", "emergency"), false, 0.20),
          new Plan("restricted", Stage.AUTHENTICATED, server.token("trudy", "Trudy", List.of("admin", "emergency"),
              Map.of("sandbox:*", Access.EDIT)), true, 0.20));
      ExecutorService pool = Executors.newFixedThreadPool(plans.size() + 1);
      List<Future<?>> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < plans.size(); i++) {
        Plan p = plans.get(i);
        Targets t = new Targets(honest, token, sessions, resumes, "sandbox:" + p.name() + ":main", p.jwt(),
            p.restricted(), maxFrame);
        int budget = (int) Math.ceil(total * p.share());
        running.add(pool.submit(new Lane(p.name(), p.stage(), server, frames, seed + i, budget, t, verdicts)));
      }
      running.add(pool.submit(new HttpProbe(server, honest, token, forged, seed, verdicts)));
      for (Future<?> f : running) {
        f.get(4, TimeUnit.MINUTES);
      }
      pool.shutdown();
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.println("HostileFramesTest: " + verdicts.frames() + " frames in " + ms + " ms; answers "
          + verdicts.answers());

      List<String> failures = verdicts.failures();
      Path report = Path.of("target", "hostile-frames-failures.txt");
      Files.deleteIfExists(report);
      if (!failures.isEmpty()) {
        Files.writeString(report, "seed " + seed + "\n" + String.join("\n", failures) + "\n");
        System.out.println("HostileFramesTest: every failure is in " + report.toAbsolutePath());
      }
      assertThat(failures).as("seed %d: %d failures, first ones:%n%s", seed, failures.size(),
          String.join("\n", failures.subList(0, Math.min(20, failures.size())))).isEmpty();
      assertThat(verdicts.frames()).isGreaterThanOrEqualTo(total);

      assertThat(server.get("/health/ready", null).status()).as("ready after the fuzz").isEqualTo(200);
      holder.ping();
      viewer.ping();
      assertThat(holder.messages().subList(holderSeen, holder.messages().size()))
          .as("what the holder received during the fuzz, besides its pong").hasSize(1);
      assertThat(viewer.messages().subList(viewerSeen, viewer.messages().size()))
          .as("what the viewer received during the fuzz, besides its pong").hasSize(1);
      JsonNode ack = holder.heartbeat();
      assertThat(ack.path("locks")).hasSize(1);
      assertThat(ack.path("locks").get(0).path("token").asLong()).as("the holder's token").isEqualTo(token);
      TestServer.Response verify = server.verify(honest, token);
      assertThat(verify.status()).as("verify after the fuzz: %s", verify.body()).isEqualTo(200);
      JsonNode state = server.resourceState(honest);
      assertThat(state.path("lock").path("holder").path("sessionId").asText()).isEqualTo(holder.sessionId());
      assertThat(state.path("presence").path("members")).as("members of the honest resource").hasSize(2);
      server.assertTokensPrivate();

      normalScenarioStillWorks(server, seed);
    }
  }

  /** Join, acquire, release; a second user then acquires with a greater token. */
  private static void normalScenarioStillWorks(TestServer server, long seed) {
    String resource = HONEST_TYPE + ":after-" + Long.toHexString(seed) + ":findings";
    TestClient alice = server.login("alice", "alice", "Dr. Alice", "clinician");
    TestClient bob = server.login("bob", "bob", "Dr. Bob", "clinician");
    alice.expect("joined", "join", Map.of("resource", resource, "mode", "view"));
    long first = alice.expect("lock.granted", "lock.acquire", Map.of("resource", resource)).path("token").asLong();
    JsonNode bobJoined = bob.expect("joined", "join", Map.of("resource", resource, "mode", "edit"));
    assertThat(bobJoined.path("downgraded").asBoolean()).as("%s", bobJoined).isTrue();
    alice.expect("lock.released", "lock.release", Map.of("resource", resource));
    JsonNode granted = bob.expect("lock.granted", "lock.acquire", Map.of("resource", resource));
    assertThat(granted.path("token").asLong()).isGreaterThan(first);
    assertThat(server.verify(resource, granted.path("token").asLong()).status()).isEqualTo(200);
    assertThat(server.verify(resource, first).status()).isEqualTo(409);
  }
}
