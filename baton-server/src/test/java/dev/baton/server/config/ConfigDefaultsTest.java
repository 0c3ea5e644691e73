package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.ENV;
import static dev.baton.server.config.ConfigFixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.identity.Access;
import dev.baton.core.policy.Policy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDefaultsTest {

  @TempDir Path dir;

  @Test
  void withoutFileEveryValueIsTheSpecDefault() {
    BatonConfig c = BatonConfig.load(null, ENV, Overrides.none());

    assertThat(c.server())
        .isEqualTo(
            new ServerConfig(
                "0.0.0.0", 8080, 65536, Duration.ofSeconds(10), Duration.ofSeconds(25),
                Duration.ofSeconds(20), Runtime.getRuntime().availableProcessors(), Optional.empty()));
    assertThat(c.store())
        .isEqualTo(
            new StoreConfig(StoreType.MEMORY, Duration.ofMillis(250), Path.of("data/fencing-counter")));
    assertThat(c.redis()).isEqualTo(new RedisConfig("redis://127.0.0.1:6379", "baton", Duration.ofSeconds(5)));
    assertThat(c.audit())
        .isEqualTo(new AuditConfig(Path.of("data/audit.jsonl"), Duration.ofSeconds(1), 104_857_600L));
    AuthConfig a = c.auth();
    assertThat(a.hmacSecret()).contains(SECRET);
    assertThat(a.publicKey()).isEmpty();
    assertThat(a.jwksUri()).isEmpty();
    assertThat(a.issuer()).isEmpty();
    assertThat(a.audience()).isEmpty();
    assertThat(a.nameClaim()).isEqualTo("name");
    assertThat(a.rolesClaim()).isEqualTo("roles");
    assertThat(a.resourcesClaim()).isEqualTo("res");
    assertThat(a.defaultAccess()).isEqualTo(Access.EDIT);
    assertThat(a.adminRole()).isEqualTo("admin");
    assertThat(a.emergencyRole()).isEqualTo("emergency");
    assertThat(a.serviceRole()).isEqualTo("service");
    assertThat(c.limits()).isEqualTo(new LimitsConfig(50, 200, 20, 20, 50_000, 1_048_576));
    assertThat(c.policies().defaultPolicy()).isEqualTo(Policy.DEFAULT);
    assertThat(c.policies().types()).isEmpty();
    assertThat(c.dev()).isFalse();
  }

  @Test
  void anEmptyFileOrEmptySectionsKeepTheDefaults() {
    BatonConfig empty = ConfigFixtures.load(dir, "");
    BatonConfig sections = ConfigFixtures.load(dir, "server:\nstore:\npolicies:\n  default:\n");

    assertSameValues(empty, BatonConfig.load(null, ENV, Overrides.none()));
    assertSameValues(sections, empty);
  }

  /** {@code Policies} has identity equality, so compare its parts. */
  private static void assertSameValues(BatonConfig a, BatonConfig b) {
    assertThat(a.server()).isEqualTo(b.server());
    assertThat(a.store()).isEqualTo(b.store());
    assertThat(a.redis()).isEqualTo(b.redis());
    assertThat(a.auth()).isEqualTo(b.auth());
    assertThat(a.audit()).isEqualTo(b.audit());
    assertThat(a.limits()).isEqualTo(b.limits());
    assertThat(a.policies().defaultPolicy()).isEqualTo(b.policies().defaultPolicy());
    assertThat(a.policies().types()).isEqualTo(b.policies().types());
    assertThat(a.dev()).isEqualTo(b.dev());
  }

  @Test
  void theSpecExampleLoads() {
    BatonConfig c =
        ConfigFixtures.load(
            dir,
            """
            server:   {host: 0.0.0.0, port: 8080, maxFrameBytes: 65536, helloTimeout: 10s, pingInterval: 25s, pingTimeout: 20s}
            store:    {type: memory}            # memory | redis
            redis:    {uri: redis://127.0.0.1:6379, keyPrefix: baton}
            auth:     {issuer: https://id.example, audience: baton,
                       nameClaim: name, rolesClaim: roles, resourcesClaim: res, defaultAccess: edit,
                       adminRole: admin, emergencyRole: emergency, serviceRole: service,
                       jwksUri: https://id.example/jwks.json}
            audit:    {file: data/audit.jsonl}
            policies:
              default: {lockTtl: 5m, heartbeatInterval: 60s, disconnectGrace: 30s, expiryWarning: 60s,
                        maxLocksPerUserPerDocument: 5, maxViewers: unlimited, maxJoinsPerSession: 200,
                        conflict: deny, takeover: {mode: request, timeout: 30s, allowDecline: false}}
              types:
                operation-report: {maxViewers: 10, lockTtl: 10m}
            """);

    assertThat(c.policies().defaultPolicy()).isEqualTo(Policy.DEFAULT);
    Policy report = c.policies().forType("operation-report");
    assertThat(report.maxViewers()).isEqualTo(10);
    assertThat(report.lockTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(report.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.auth().issuer()).contains("https://id.example");
    assertThat(c.auth().audience()).contains("baton");
    assertThat(c.auth().jwksUri()).contains(URI.create("https://id.example/jwks.json"));
  }

  @Test
  void auditSettingsComeFromTheFileAndTheEnvironment() {
    BatonConfig file =
        ConfigFixtures.load(dir, "audit: {file: /var/log/baton/audit.jsonl, fsyncInterval: 200ms, maxFileBytes: 1024}");
    BatonConfig env =
        BatonConfig.load(
            null,
            ConfigFixtures.env("BATON_AUDIT_FSYNC_INTERVAL", "5s", "BATON_AUDIT_MAX_FILE_BYTES", "10737418240"),
            Overrides.none());

    assertThat(file.audit())
        .isEqualTo(new AuditConfig(Path.of("/var/log/baton/audit.jsonl"), Duration.ofMillis(200), 1024));
    assertThat(env.audit().fsyncInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(env.audit().maxFileBytes()).as("above an int").isEqualTo(10_737_418_240L);
  }

  @Test
  void defaultAccessNoneIsAllowedAndMakesTheResourcesClaimMandatory() {
    BatonConfig c = ConfigFixtures.load(dir, "auth: {defaultAccess: none}");

    assertThat(c.auth().defaultAccess()).isEqualTo(Access.NONE);
  }

  @Test
  void publicKeyFromAFileIsReadAsPemText() throws Exception {
    String pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    Path file = java.nio.file.Files.writeString(dir.resolve("key.pem"), pem);

    BatonConfig c =
        BatonConfig.load(null, java.util.Map.of("BATON_AUTH_PUBLIC_KEY", file.toString()), Overrides.none());

    assertThat(c.auth().publicKey()).contains(pem);
    assertThat(c.auth().hmacSecret()).isEqualTo(Optional.empty());
  }

  @Test
  void toStringHidesSecrets() {
    BatonConfig c =
        BatonConfig.load(
            null, ConfigFixtures.env("BATON_REDIS_URI", "redis://user:hunter2@db:6379"), Overrides.none());

    assertThat(c.toString()).doesNotContain(SECRET).doesNotContain("hunter2").contains("db:6379");
  }
}
