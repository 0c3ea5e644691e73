package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code baton serve} start-up failures: a bad configuration (the message names the key) or a port in
 * use (the message names host:port and the cause), each one line on standard error, exit code 1, no
 * stack trace. (Were a start accepted, {@code serve} would run until stopped and the timeout would fail
 * the test.)
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

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aPortInUseIsOneLineNamingHostPortAndCauseWithExitCode1() throws Exception {
    Path config = dir.resolve("baton.yaml");
    Files.writeString(config, "audit:\n  file: " + dir.resolve("audit.jsonl") + "\n");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      picocli.CommandLine cli = BatonCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));

      int code = cli.execute("serve", "--dev", "--config", config.toString(), "--port", Integer.toString(port));

      assertThat(code).isEqualTo(1);
      assertThat(err.toString().lines()).singleElement().asString()
          .startsWith("baton: cannot listen on 127.0.0.1:" + port + ": ")
          .containsIgnoringCase("address already in use");
    }
  }
}
