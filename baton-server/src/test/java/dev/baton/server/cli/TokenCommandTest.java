package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.core.identity.Access;
import dev.baton.core.identity.Principal;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.auth.JwtAuthenticator;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.Overrides;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TokenCommandTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = BatonCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void printsATokenThatTheServerAccepts() {
    int code =
        run(
            "token", "--secret", SECRET, "--sub", "u1", "--name", "Dr. Smith",
            "--roles", "admin,emergency", "--ttl", "10m", "--iss", "https://id.example",
            "--aud", "baton",
            "--res", "operation-report:7F1C0D4E-9A3B-4C2D-8E1F-0A2B3C4D5E6F=edit,note:*=view");

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    String token = out.toString().trim();
    assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    JwtAuthenticator jwt =
        new JwtAuthenticator(
            BatonConfig.load(
                    null,
                    Map.of(
                        "BATON_AUTH_HMAC_SECRET", SECRET,
                        "BATON_AUTH_ISSUER", "https://id.example",
                        "BATON_AUTH_AUDIENCE", "baton"),
                    Overrides.none())
                .auth());
    Principal p = jwt.authenticate(token);
    assertThat(p.userId()).isEqualTo("u1");
    assertThat(p.name()).isEqualTo("Dr. Smith");
    assertThat(p.roles()).containsExactlyInAnyOrder("admin", "emergency");
    assertThat(
            p.access()
                .accessTo(ResourceId.parse("operation-report:7f1c0d4e-9a3b-4c2d-8e1f-0a2b3c4d5e6f:dx")))
        .isEqualTo(Access.EDIT);
    assertThat(p.access().accessTo(ResourceId.parse("note:1"))).isEqualTo(Access.VIEW);
    assertThat(p.access().accessTo(ResourceId.parse("lab:1"))).isEqualTo(Access.NONE);
  }

  @Test
  void onlySubAndSecretAreNeeded() {
    assertThat(run("token", "--secret", SECRET, "--sub", "u1")).isZero();

    Principal p =
        new JwtAuthenticator(
                BatonConfig.load(null, Map.of("BATON_AUTH_HMAC_SECRET", SECRET), Overrides.none())
                    .auth())
            .authenticate(out.toString().trim());
    assertThat(p.name()).isEqualTo("u1");
    assertThat(p.roles()).isEmpty();
    assertThat(p.access().accessTo(ResourceId.parse("note:1"))).isEqualTo(Access.EDIT);
  }

  @Test
  void aShortSecretIsAUsageError() {
    assertThat(run("token", "--secret", "short", "--sub", "u1")).isEqualTo(2);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("--secret must be at least 32 bytes (HS256 needs a 256-bit key); it has 5");
  }

  @Test
  void aMissingSecretIsAUsageError() {
    assumeTrue(System.getenv("BATON_AUTH_HMAC_SECRET") == null, "the secret comes from the environment");

    assertThat(run("token", "--sub", "u1")).isEqualTo(2);
    assertThat(err.toString()).contains("--secret is required (or set BATON_AUTH_HMAC_SECRET)");
  }

  @Test
  void aBadTtlIsAUsageError() {
    assertThat(run("token", "--secret", SECRET, "--sub", "u1", "--ttl", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("--ttl soon is not a duration");
    assertThat(run("token", "--secret", SECRET, "--sub", "u1", "--ttl", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--ttl 0s must be positive");
  }

  @Test
  void aBadResourcesEntryIsAUsageError() {
    assertThat(run("token", "--secret", SECRET, "--sub", "u1", "--res", "note:1")).isEqualTo(2);
    assertThat(err.toString()).contains("--res note:1 must be key=access");
    assertThat(run("token", "--secret", SECRET, "--sub", "u1", "--res", "note:1=write")).isEqualTo(2);
    assertThat(err.toString()).contains("--res note:1=write: must be view, edit or none");
    assertThat(run("token", "--secret", SECRET, "--sub", "u1", "--res", "Note:*=view")).isEqualTo(2);
    assertThat(err.toString()).contains("--res Note:*=view: type must match");
  }

  @Test
  void aMissingSubIsAUsageError() {
    assertThat(run("token", "--secret", SECRET)).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--sub=U'");
  }

  @Test
  void batonWithoutSubcommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand");
  }

  @Test
  void helpListsTheTokenCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("baton").contains("token");
  }
}
