package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.ENV;
import static dev.baton.server.config.ConfigFixtures.env;
import static dev.baton.server.config.ConfigFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.policy.Conflict;
import dev.baton.core.policy.Policy;
import dev.baton.core.policy.TakeoverMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precedence: defaults < file < BATON_* environment < flags. */
class ConfigLayersTest {

  @TempDir Path dir;

  @Test
  void laterLayersWin() {
    Path file = yaml(dir, "server: {port: 9000, host: 10.0.0.1}\nstore: {type: redis}");
    Map<String, String> envPort = env("BATON_SERVER_PORT", "9001");
    Overrides flagPort = new Overrides(null, 9002, false, null, null);

    assertThat(BatonConfig.load(null, ENV, Overrides.none()).server().port()).isEqualTo(8080);
    assertThat(BatonConfig.load(file, ENV, Overrides.none()).server().port()).isEqualTo(9000);
    assertThat(BatonConfig.load(file, envPort, Overrides.none()).server().port()).isEqualTo(9001);
    BatonConfig all = BatonConfig.load(file, envPort, flagPort);
    assertThat(all.server().port()).isEqualTo(9002);
    assertThat(all.server().host()).isEqualTo("10.0.0.1");
    assertThat(all.store().type()).isEqualTo(StoreType.REDIS);
  }

  @Test
  void everyFlagOverridesItsKey() {
    Path file = yaml(dir, "server: {host: 10.0.0.1, port: 9000}\nstore: {type: redis}\nredis: {uri: redis://a:1}");

    BatonConfig c =
        BatonConfig.load(
            file,
            env("BATON_STORE_TYPE", "redis", "BATON_REDIS_URI", "redis://b:2"),
            new Overrides("10.0.0.2", 0, false, "memory", "rediss://c:3"));

    assertThat(c.server().host()).isEqualTo("10.0.0.2");
    assertThat(c.server().port()).isZero();
    assertThat(c.store().type()).isEqualTo(StoreType.MEMORY);
    assertThat(c.redis().uri()).isEqualTo("rediss://c:3");
  }

  @Test
  void environmentVariablesAreNamedAfterTheKeyPath() {
    BatonConfig c =
        BatonConfig.load(
            null,
            Map.ofEntries(
                Map.entry("BATON_AUTH_HMAC_SECRET", ConfigFixtures.SECRET),
                Map.entry("BATON_SERVER_MAX_FRAME_BYTES", "2048"),
                Map.entry("BATON_SERVER_HELLO_TIMEOUT", "5s"),
                Map.entry("BATON_SERVER_EVENT_LOOPS", "3"),
                Map.entry("BATON_STORE_TYPE", "redis"),
                Map.entry("BATON_STORE_SWEEP_INTERVAL", "100ms"),
                Map.entry("BATON_STORE_TOKEN_FILE", "/var/lib/baton/counter"),
                Map.entry("BATON_REDIS_URI", "redis-sentinel://s1:26379/0#mymaster"),
                Map.entry("BATON_REDIS_KEY_PREFIX", "b1"),
                Map.entry("BATON_AUTH_ISSUER", "https://id.example"),
                Map.entry("BATON_AUTH_DEFAULT_ACCESS", "view"),
                Map.entry("BATON_AUDIT_FILE", "/var/log/baton.jsonl"),
                Map.entry("BATON_POLICIES_DEFAULT_LOCK_TTL", "10m"),
                Map.entry("BATON_POLICIES_DEFAULT_MAX_LOCKS_PER_USER_PER_DOCUMENT", "2"),
                Map.entry("BATON_POLICIES_DEFAULT_TAKEOVER_MODE", "immediate"),
                Map.entry("BATON_POLICIES_DEFAULT_TAKEOVER_ALLOW_DECLINE", "true"),
                Map.entry("PATH", "/usr/bin"),
                Map.entry("HOME", "/root")),
            Overrides.none());

    assertThat(c.server().maxFrameBytes()).isEqualTo(2048);
    assertThat(c.server().helloTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.server().eventLoops()).isEqualTo(3);
    assertThat(c.store().type()).isEqualTo(StoreType.REDIS);
    assertThat(c.store().sweepInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.store().tokenFile()).isEqualTo(Path.of("/var/lib/baton/counter"));
    assertThat(c.redis().uri()).isEqualTo("redis-sentinel://s1:26379/0#mymaster");
    assertThat(c.redis().keyPrefix()).isEqualTo("b1");
    assertThat(c.auth().issuer()).contains("https://id.example");
    assertThat(c.auth().defaultAccess().name()).isEqualTo("VIEW");
    assertThat(c.audit().file()).isEqualTo(Path.of("/var/log/baton.jsonl"));
    Policy p = c.policies().defaultPolicy();
    assertThat(p.lockTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.maxLocksPerUserPerDocument()).isEqualTo(2);
    assertThat(p.takeover().mode()).isEqualTo(TakeoverMode.IMMEDIATE);
    assertThat(p.takeover().allowDecline()).isTrue();
  }

  @Test
  void anEmptyEnvironmentVariableUnsetsAnOptionalKey() {
    Path file = yaml(dir, "auth: {issuer: https://id.example}");

    BatonConfig c = BatonConfig.load(file, env("BATON_AUTH_ISSUER", ""), Overrides.none());

    assertThat(c.auth().issuer()).isEmpty();
  }

  @Test
  void aTypeInheritsTheDefaultFieldByFieldIncludingTakeover() {
    BatonConfig c =
        ConfigFixtures.load(
            dir,
            """
            policies:
              default:
                lockTtl: 6m
                heartbeatInterval: 30s
                disconnectGrace: 45s
                expiryWarning: 90s
                maxLocksPerUserPerDocument: 3
                maxViewers: 50
                maxJoinsPerSession: 20
                conflict: queue
                takeover: {mode: immediate, timeout: 10s, allowDecline: false}
              types:
                operation-report:
                  maxViewers: 10
                  takeover: {allowDecline: true}
                note:
                  takeover: {mode: disabled}
                empty: {}
                blank:
            """);

    Policy d = c.policies().defaultPolicy();
    Policy report = c.policies().forType("operation-report");
    assertThat(report.lockTtl()).isEqualTo(Duration.ofMinutes(6));
    assertThat(report.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(report.disconnectGrace()).isEqualTo(Duration.ofSeconds(45));
    assertThat(report.expiryWarning()).isEqualTo(Duration.ofSeconds(90));
    assertThat(report.maxLocksPerUserPerDocument()).isEqualTo(3);
    assertThat(report.maxViewers()).isEqualTo(10);
    assertThat(report.maxJoinsPerSession()).isEqualTo(20);
    assertThat(report.conflict()).isEqualTo(Conflict.QUEUE);
    assertThat(report.takeover().mode()).isEqualTo(TakeoverMode.IMMEDIATE);
    assertThat(report.takeover().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(report.takeover().allowDecline()).isTrue();

    Policy note = c.policies().forType("note");
    assertThat(note.takeover().mode()).isEqualTo(TakeoverMode.DISABLED);
    assertThat(note.takeover().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(note.maxViewers()).isEqualTo(50);

    assertThat(c.policies().types()).containsOnlyKeys("operation-report", "note", "empty", "blank");
    assertThat(c.policies().forType("empty")).isEqualTo(d);
    assertThat(c.policies().forType("blank")).isEqualTo(d);
    assertThat(c.policies().forType("unlisted")).isEqualTo(d);
  }

  @Test
  void typesInheritTheDefaultAsSetByTheEnvironment() {
    Path file = yaml(dir, "policies: {types: {operation-report: {maxViewers: 10}}}");

    BatonConfig c =
        BatonConfig.load(file, env("BATON_POLICIES_DEFAULT_CONFLICT", "queue"), Overrides.none());

    assertThat(c.policies().forType("operation-report").conflict()).isEqualTo(Conflict.QUEUE);
  }

  @Test
  void maxViewersUnlimitedMapsToThePolicyConstant() {
    BatonConfig c =
        ConfigFixtures.load(
            dir, "policies: {default: {maxViewers: 3}, types: {x: {maxViewers: unlimited}}}");

    assertThat(c.policies().defaultPolicy().maxViewers()).isEqualTo(3);
    assertThat(c.policies().forType("x").maxViewers()).isEqualTo(Policy.UNLIMITED);
  }

  @Test
  void aTypeEntryThatInheritsAnInvalidCombinationNamesTheTypeKey() {
    assertThatThrownBy(
            () ->
                ConfigFixtures.load(
                    dir, "policies: {types: {operation-report: {heartbeatInterval: 3m}}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "policies.types.operation-report.lockTtl 5m must be above twice heartbeatInterval 3m = 6m");
  }

  @Test
  void aBadValueIsRefusedEvenWhenALaterLayerOverridesIt() {
    Path file = yaml(dir, "server: {port: abc}");
    Overrides flagPort = new Overrides(null, 9002, false, null, null);

    assertThatThrownBy(() -> BatonConfig.load(file, ENV, flagPort))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port abc must be a whole number");
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_SERVER_PORT", "abc"), flagPort))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port abc must be a whole number");
  }

  @Test
  void aRuleALaterLayerSatisfiesIsCheckedOnlyAtTheEnd() {
    Path noAuth = yaml(dir, "server: {port: 9000}");

    BatonConfig c = BatonConfig.load(noAuth, env("BATON_AUTH_HMAC_SECRET", ConfigFixtures.SECRET), Overrides.none());

    assertThat(c.auth().hmacSecret()).contains(ConfigFixtures.SECRET);
  }
}
