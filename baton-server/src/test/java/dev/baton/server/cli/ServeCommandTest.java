package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton serve} start-up failures: one line on stderr and exit code 1, no stack trace. */
class ServeCommandTest {

  @Test
  void aPortInUseIsOneLineNamingHostPortAndCauseWithExitCode1(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("baton.yaml");
    Files.writeString(config, "audit:\n  file: " + dir.resolve("audit.jsonl") + "\n");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = BatonCli.commandLine();
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
