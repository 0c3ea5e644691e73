package dev.baton.server.cli;

import dev.baton.server.audit.AuditVerifier;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton audit}: the audit trail's tools. Without a subcommand it is a usage error (exit code 2).
 * Not thread-safe: one instance per command-line run.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Work with the audit trail (docs/audit.md).",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

  @Spec CommandSpec spec;

  /** @throws CommandLine.ParameterException always: a subcommand is required */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /**
   * {@code baton audit verify FILE...}: checks each line's hash, the {@code prev} chain across the
   * files in the order given, and {@code seq} continuity. Prints {@code OK: N records in M files} and
   * exits 0, or {@code BROKEN: <file>:<line>: <what>} naming the first broken line and exits 1.
   */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check the hash chain of audit files, oldest first (rotated files, then the current one).",
        "Prints OK: N records in M files (exit 0) or BROKEN: <file>:<line>: <what> for the first broken"
            + " line (exit 1)."
      })
  static final class Verify implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audit files, oldest first")
    List<Path> files;

    @Option(
        names = "--partial",
        description = "the first file may continue an earlier one that is not given (its first record"
            + " need not be seq 1)")
    boolean partial;

    @Override
    public Integer call() {
      AuditVerifier.Result result = AuditVerifier.verify(files, partial);
      spec.commandLine().getOut().println(result.summary());
      spec.commandLine().getOut().flush();
      return result.ok() ? 0 : 1;
    }
  }
}
