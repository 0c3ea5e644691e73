package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.time.Clock;
import dev.baton.server.testing.NodeProcess;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2, item 3: fencing tokens still increase after a restart of a memory-store node
 * ({@code store.tokenFile}), and a token of the node's earlier life fails {@code POST /v1/locks/verify}.
 *
 * <p>A memory-store node seeds its counter with the larger of the file's bound and the wall clock in
 * microseconds, so a plain restart would pass on the clock alone: the in-process test restarts the
 * server with its wall clock stepped back one hour, where only the token file keeps tokens growing.
 * The process test restarts a real {@code baton serve} after SIGKILL (no clean shutdown).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FencingAfterRestartTest {

  static final String R = "operation-report:42:diagnosis";

  @TempDir Path dir;

  @Test
  void tokensKeepGrowingAcrossARestartWithTheWallClockSteppedBack() {
    Path counter = dir.resolve("fencing-counter");
    List<Long> before;
    try (TestServer first = TestServer.builder().tokenFile(counter).start()) {
      before = grants(first.login("Dr. Smith", "smith", "Dr. Smith", "clinician"), 3);
      first.stop();
    }
    Clock system = Clock.system();
    Clock anHourBehind = new Clock() {
      @Override
      public long monotonicNanos() {
        return system.monotonicNanos();
      }

      @Override
      public long wallMillis() {
        return system.wallMillis() - 3_600_000;
      }
    };
    try (TestServer second = TestServer.builder().tokenFile(counter).clock(anHourBehind).start()) {
      long after = grants(second.login("Nurse Jane", "jane", "Nurse Jane", "clinician"), 1).get(0);

      assertThat(after).as("the first token after the restart; before: %s", before)
          .isGreaterThan(Collections.max(before));
      assertStaleRefused(second::verify, before, after);
    }
  }

  @Test
  void tokensKeepGrowingAcrossAKilledProcess() {
    try (NodeProcess node = NodeProcess.start("fencing", TestServer.builder())) {
      List<Long> before = grants(node.login("Dr. Smith", "smith", "Dr. Smith", "clinician"), 3);

      node.restart(); // SIGKILL, then a new process on the same configuration and token file

      long after = grants(node.login("Nurse Jane", "jane", "Nurse Jane", "clinician"), 1).get(0);
      assertThat(after).as("the first token after the restart; before: %s", before)
          .isGreaterThan(Collections.max(before));
      assertStaleRefused(node::verify, before, after);
    }
  }

  /**
   * Joins {@link #R}, takes its lock {@code n} times (releasing in between, keeping the last) and
   * returns the tokens, which must grow.
   */
  private static List<Long> grants(TestClient c, int n) {
    c.expect("joined", "join", Map.of("resource", R, "mode", "view"));
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        c.expect("lock.released", "lock.release", Map.of("resource", R));
      }
      tokens.add(c.expect("lock.granted", "lock.acquire", Map.of("resource", R)).path("token").asLong());
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
    return tokens;
  }

  /** The current token verifies; every token of before the restart, held then, does not. */
  private static void assertStaleRefused(BiFunction<String, Long, TestServer.Response> verify, List<Long> before,
      long current) {
    TestServer.Response ok = verify.apply(R, current);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    for (long stale : before) {
      TestServer.Response r = verify.apply(R, stale);
      assertThat(r.status()).as("verify %d after the restart: %s", stale, r.body()).isEqualTo(409);
      assertThat(r.json().path("valid").asBoolean(true)).isFalse();
    }
  }
}
