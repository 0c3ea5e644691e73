package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The README's walkthrough ("two users, one operation report") run with the real CLI classes against a
 * dev-mode server with the default lock TTL (5 min): the messages Dr. Smith and Nurse Jane send and the
 * {@code #} line Jane is promised are read from README.md itself, so the test follows the README.
 *
 * <p>Dr. Smith's token comes from {@code POST /dev/token} with the README's body, Nurse Jane's from
 * {@code baton token --secret S --sub jane --name "Nurse Jane"} (the README's other way to mint one; the
 * dev server keeps a configured secret). Both clients are {@code baton connect} run through picocli
 * ({@code CommandLine.execute}) with their standard input and output captured: Smith's input stays open
 * (his tab) until Jane is done, as the README's {@code seen "Nurse Jane joined"} keeps it open.
 */
class ReadmeWalkthroughTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path README = Path.of("..", "README.md");

  /** What a {@code baton connect} run printed. */
  private record Run(int exitCode, String out, String err) {}

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void secondEditorIsDowngradedWithTheHoldersNameAndRemainingTime() throws Exception {
    Walkthrough readme = Walkthrough.read(README);
    try (TestServer server = TestServer.builder().dev(true).lock("5m", "60s", "60s").disconnectGrace("30s")
        .start()) {
      TestServer.Response minted = server.post("/dev/token", null, "{\"userId\":\"smith\",\"name\":\"Dr. Smith\"}");
      assertThat(minted.status()).as(minted.body()).isEqualTo(200);
      String smithToken = minted.json().path("token").asText();
      Run token = run(new ByteArrayInputStream(new byte[0]),
          "token", "--secret", TestServer.SECRET, "--sub", "jane", "--name", "Nurse Jane");
      assertThat(token.exitCode()).as(token.err()).isZero();
      String janeToken = token.out().strip();

      // Dr. Smith: `(echo '<join>'; seen "Nurse Jane joined") | baton connect ... --token "$SMITH" > smith.log &`
      PipedOutputStream smithTyping = new PipedOutputStream();
      PipedInputStream smithStdin = new PipedInputStream(smithTyping);
      StringWriter smithOut = new StringWriter();
      StringWriter smithErr = new StringWriter();
      CompletableFuture<Integer> smith = CompletableFuture.supplyAsync(() -> baton(smithStdin, smithOut, smithErr)
          .execute("connect", "--url", server.wsUri().toString(), "--token", smithToken));
      smithTyping.write((readme.smithSends() + "\n").getBytes(StandardCharsets.UTF_8));
      smithTyping.flush();
      Awaitility.await("Dr. Smith joined as editor; his output so far: " + smithOut)
          .atMost(Duration.ofSeconds(30))
          .until(() -> joined(smithOut.toString()) != null);
      JsonNode smithJoined = joined(smithOut.toString());
      assertThat(smithJoined.path("role").asText()).as("%s", smithJoined).isEqualTo("editor");
      assertThat(smithJoined.path("lock").path("token").isIntegralNumber())
          .as("his fencing token in joined.lock.token: %s", smithJoined).isTrue();

      // Nurse Jane: `echo '<join>' | baton connect --token "$JANE"`
      Run jane = run(new ByteArrayInputStream((readme.janeSends() + "\n").getBytes(StandardCharsets.UTF_8)),
          "connect", "--url", server.wsUri().toString(), "--token", janeToken);

      assertThat(jane.exitCode()).as("jane's exit code; out: %s err: %s", jane.out(), jane.err()).isZero();
      assertThat(jane.out().lines().toList()).as("Jane's output").contains(readme.janeSees());
      assertThat(readme.janeSees()).contains("Dr. Smith is editing, expires in 5 min");
      JsonNode janeJoined = joined(jane.out());
      assertThat(janeJoined.path("downgraded").asBoolean()).as("%s", janeJoined).isTrue();
      assertThat(janeJoined.path("reason").asText()).isEqualTo("LOCK_HELD");
      assertThat(janeJoined.path("lock").path("holder").path("name").asText()).isEqualTo("Dr. Smith");
      assertThat(janeJoined.path("lock").has("token")).as("only the holder sees the token: %s", janeJoined)
          .isFalse();
      Awaitility.await("Dr. Smith is told Jane joined; his output: " + smithOut).atMost(Duration.ofSeconds(10))
          .until(() -> smithOut.toString().lines()
              .anyMatch(l -> l.equals("# Nurse Jane joined operation-report:42:diagnosis as viewer")));

      smithTyping.close(); // the end of his input: `connect` says bye and exits
      assertThat(smith.get(30, TimeUnit.SECONDS)).as("smith's exit code; err: %s", smithErr).isZero();
      assertThat(smithErr.toString()).isEmpty();
    }
  }

  /** The first {@code joined} message printed, or null. */
  private static JsonNode joined(String out) throws IOException {
    for (String line : out.lines().toList()) {
      if (line.startsWith("{")) {
        JsonNode m = JSON.readTree(line);
        if (m.path("type").asText().equals("joined")) {
          return m;
        }
      }
    }
    return null;
  }

  private static Run run(InputStream stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = baton(stdin, out, err).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code baton} with {@code connect} reading {@code stdin}, and out and err captured. */
  private static CommandLine baton(InputStream stdin, StringWriter out, StringWriter err) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == ConnectCommand.class ? cls.cast(new ConnectCommand(stdin)) : CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cli = new CommandLine(new BatonCli(), factory);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  /**
   * The walkthrough as the README writes it: the JSON Dr. Smith and Nurse Jane send (the first and
   * second {@code echo '…'} of its shell block) and the {@code # joined …} line Jane sees.
   */
  private record Walkthrough(String smithSends, String janeSends, String janeSees) {

    static Walkthrough read(Path readme) throws IOException {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int start = text.indexOf("## Walkthrough");
      assertThat(start).as("README has a walkthrough section").isNotNegative();
      String section = text.substring(start);
      List<String> sent = new ArrayList<>();
      Matcher echo = Pattern.compile("echo '(\\{[^']*\\})'").matcher(section);
      while (echo.find()) {
        sent.add(echo.group(1));
      }
      assertThat(sent).as("the walkthrough's two echo lines").hasSizeGreaterThanOrEqualTo(2);
      Matcher sees = Pattern.compile("(?m)^# joined .*$").matcher(section);
      assertThat(sees.find()).as("the walkthrough shows Jane's # joined line").isTrue();
      return new Walkthrough(sent.get(0), sent.get(1), sees.group());
    }
  }
}
