package dev.baton.server.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code baton loadgen} in-process against a real server for two seconds with 30 connections (10
 * documents, each with an actor and 2 viewers): it must connect everyone, drive acquire/renew/release,
 * see fan-out, and finish with no error. Proves the generator works, not how fast anything is (numbers
 * live in docs/benchmarks.md).
 *
 * <p>The server starts before the test, outside its timeout: on this project's loaded 2-core machine
 * (load average 30) a server start alone took 19 s. The timeout bounds the run only (connect, 0.5 s
 * warm-up, 2 s measured, close): a generous 120 s, which a hung run still exceeds.
 */
class LoadGeneratorSmokeTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @Timeout(120)
  void runsTwoSecondsWithoutErrors(@TempDir Path dir) throws Exception {
    LoadConfig config = new LoadConfig(List.of(server.wsUri()), List.of(server.uri("/metrics")),
        List.of("127.0.0.1"), 30, 10, 2, 200, Duration.ofMillis(500), Duration.ofSeconds(2), 1,
        TestServer.SECRET, null, null, 2, 16, Duration.ofSeconds(5), null, List.of(), true);

    LoadReport report = new LoadGenerator(config, null).run();

    assertThat(report.errors()).as("errors").isEmpty();
    assertThat(report.steps()).hasSize(1);
    StepResult step = report.steps().get(0);
    assertThat(step.acquire().count()).as("measured acquires").isGreaterThan(50);
    assertThat(step.renew().count()).as("measured renewals").isGreaterThan(50);
    assertThat(step.release().count()).as("measured releases").isGreaterThan(50);
    assertThat(step.fanout().count()).as("measured presence changes seen by every member").isGreaterThan(50);
    assertThat(step.fanoutIncomplete()).isZero();
    assertThat(step.achievedRate()).isBetween(150.0, 250.0);
    assertThat(report.memory().heapJoinedBytes()).as("heap read from /metrics").isPositive();

    Path json = dir.resolve("results.json");
    Path html = dir.resolve("results.html");
    ReportJson.write(report, json);
    PercentilePlot.write(report, html);
    assertThat(Files.readString(json)).contains("\"acquire\"", "\"p99Ms\"");
    assertThat(Files.readString(html)).contains("<svg", "acquire").doesNotContain("<script");
  }
}
