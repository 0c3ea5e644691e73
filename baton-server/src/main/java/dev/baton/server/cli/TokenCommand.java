package dev.baton.server.cli;

import dev.baton.core.identity.Access;
import dev.baton.core.policy.Durations;
import dev.baton.core.time.Clock;
import dev.baton.server.auth.ResourceClaims;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton token}: prints an HS256 JWT for testing and scripts, signed with the server's
 * {@code auth.hmacSecret}. Exit code 0 with the token on stdout; 2 with a message on stderr for a bad
 * option (a secret under 32 bytes, a bad TTL or resources entry).
 *
 * <p>Not thread-safe: one instance per command-line run.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Print an HS256 JWT signed with the given secret.")
public final class TokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--secret",
      paramLabel = "S",
      defaultValue = "${env:BATON_AUTH_HMAC_SECRET}",
      description = "HMAC secret, at least 32 bytes (default: $BATON_AUTH_HMAC_SECRET).")
  String secret;

  @Option(names = "--sub", required = true, paramLabel = "U", description = "User id (sub).")
  String subject;

  @Option(names = "--name", paramLabel = "N", description = "Display name.")
  String name;

  @Option(names = "--roles", split = ",", paramLabel = "r1,r2", description = "Roles.")
  List<String> roles = new ArrayList<>();

  @Option(names = "--ttl", defaultValue = "1h", paramLabel = "D", description = "Validity, e.g. 30m, 1h (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--iss", paramLabel = "I", description = "Issuer (iss).")
  String issuer;

  @Option(names = "--aud", paramLabel = "A", description = "Audience (aud).")
  String audience;

  @Option(
      names = "--res",
      split = ",",
      paramLabel = "type:id=edit",
      description = "Resources claim entries: type:*, type:id or type:id:child = view, edit or none.")
  List<String> resources;

  private final Clock clock;

  /** Uses the system clock. */
  public TokenCommand() {
    this(Clock.system());
  }

  /** @param clock gives {@code iat} and {@code exp} */
  TokenCommand(Clock clock) {
    this.clock = clock;
  }

  /**
   * Mints and prints the token.
   *
   * @return 0
   * @throws CommandLine.ParameterException for a missing or short secret, a bad TTL or resources entry
   */
  @Override
  public Integer call() {
    if (secret == null || secret.isEmpty()) {
      throw usage("--secret is required (or set BATON_AUTH_HMAC_SECRET)");
    }
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < TokenMinter.MIN_SECRET_BYTES) {
      throw usage(
          "--secret must be at least " + TokenMinter.MIN_SECRET_BYTES
              + " bytes (HS256 needs a 256-bit key); it has " + bytes);
    }
    TokenMinter minter = TokenMinter.withSecret(secret, issuer, audience, clock);
    String token;
    try {
      token = minter.mint(new TokenRequest(subject, name, roles, resources(), ttl()));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage()); // a blank --sub or --name: a usage error, not a stack trace
    }
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private Duration ttl() {
    Duration d;
    try {
      d = Durations.parse(ttl);
    } catch (IllegalArgumentException e) {
      throw usage("--ttl " + ttl + " is not a duration: use e.g. 30m, 1h, 7d");
    }
    if (d.isZero() || d.isNegative()) {
      throw usage("--ttl " + ttl + " must be positive");
    }
    return d;
  }

  private Map<String, Access> resources() {
    if (resources == null) {
      return null;
    }
    Map<String, Access> map = new LinkedHashMap<>();
    for (String entry : resources) {
      int eq = entry.lastIndexOf('=');
      if (eq < 0) {
        throw usage("--res " + entry + " must be key=access, e.g. operation-report:7f1c=edit");
      }
      try {
        map.put(
            ResourceClaims.normalizeKey(entry.substring(0, eq)),
            ResourceClaims.access(entry.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw usage("--res " + entry + ": " + e.getMessage());
      }
    }
    return map;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
