package dev.baton.server.cli;

import dev.baton.server.loadgen.LoadgenCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command. Running it without a subcommand is a usage error (exit code 2).
 *
 * <p>Subcommands are registered in the {@code subcommands} list below. Not thread-safe: one instance
 * per command-line run.
 */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = BatonCli.Version.class,
    description = "Presence and single-editor locks over WebSocket.",
    subcommands = {
      ServeCommand.class,
      ConnectCommand.class,
      TokenCommand.class,
      AuditCommand.class,
      LoadgenCommand.class,
    })
public final class BatonCli implements Runnable {

  @Spec CommandSpec spec;

  /**
   * Runs the command line and exits the JVM with its exit code (0 success, 1 failure, 2 usage error).
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * A fresh picocli command line for {@code baton}, for {@link #main} and tests; its out writer is
   * standard output in UTF-8 (names in {@code baton connect}'s output are not ASCII-only).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new BatonCli())
        .setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
  }

  /** @throws CommandLine.ParameterException always: a subcommand is required */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. Thread-safe. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BatonCli.class.getPackage().getImplementationVersion();
      return new String[] {"baton " + (v == null ? "dev" : v)};
    }
  }
}
