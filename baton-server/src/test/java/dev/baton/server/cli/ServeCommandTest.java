package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code baton serve --config FILE} refuses a bad configuration at start: exit code 1, nothing
 * listening, and a message on standard error that names the key. (Were the file accepted, {@code serve}
 * would run until stopped and the timeout would fail the test.)
 */
class ServeCommandTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "policies: {default: {lockTtl: 0s}}      | policies.default.lockTtl 0s must be positive",
      "policies: {default: {lockTTL: 5m}}      | unknown key policies.default.lockTTL",
      "server: {port: 0, heartbeatTimeout: 5s} | unknown key server.heartbeatTimeout",
  })
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void exitsWith1AndNamesTheKey(String yaml, String message) throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.yaml"),
        yaml + "\nauth: {hmacSecret: '0123456789abcdef0123456789abcdef'}\naudit: {file: '"
            + dir.resolve("audit.jsonl") + "'}\nstore: {tokenFile: '" + dir.resolve("counter") + "'}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = BatonCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("serve", "--config", bad.toString(), "--port", "0");

    assertThat(code).as("exit code; err: %s", err).isEqualTo(1);
    assertThat(err.toString()).startsWith("baton: configuration refused: ").contains(message);
    assertThat(out.toString()).isEmpty();
  }
}
