package dev.baton.server.config;

import static dev.baton.server.config.ConfigFixtures.ENV;
import static dev.baton.server.config.ConfigFixtures.env;
import static dev.baton.server.config.ConfigFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per validation message: the message names the full key path, the value and the rule. */
class ConfigValidationTest {

  @TempDir Path dir;

  static Stream<Arguments> fileValues() {
    return Stream.of(
        // server
        Arguments.of("server: {port: 70000}", "server.port 70000 must be between 0 and 65535"),
        Arguments.of("server: {port: -1}", "server.port -1 must be between 0 and 65535"),
        Arguments.of("server: {port: http}", "server.port http must be a whole number"),
        Arguments.of("server: {port: 80.5}", "server.port 80.5 must be a whole number"),
        Arguments.of("server: {maxFrameBytes: 512}", "server.maxFrameBytes 512 must be at least 1024"),
        Arguments.of("server: {helloTimeout: 0s}", "server.helloTimeout 0s must be positive"),
        Arguments.of("server: {pingInterval: -1s}", "server.pingInterval -1s must be positive"),
        Arguments.of("server: {pingTimeout: 0ms}", "server.pingTimeout 0ms must be positive"),
        Arguments.of("server: {eventLoops: 0}", "server.eventLoops 0 must be auto or between 1 and 1024"),
        Arguments.of("server: {eventLoops: 2000}", "server.eventLoops 2000 must be auto or between 1 and 1024"),
        Arguments.of("server: {eventLoops: many}", "server.eventLoops many must be auto or a whole number"),
        Arguments.of(
            "server: {pingTimeout: 20}",
            "server.pingTimeout 20 is not a duration: use a whole number and ms, s, m, h or d, as in 30s or 5m"),
        Arguments.of("server: {host: ''}", "server.host is missing"),
        Arguments.of("server: {host: 'a b'}", "server.host a b must not contain spaces"),
        // store, redis, audit
        Arguments.of("store: {type: mongo}", "store.type mongo must be one of memory, redis"),
        Arguments.of("store: {type: Redis}", "store.type Redis must be one of memory, redis"),
        Arguments.of("store: {sweepInterval: 0ms}", "store.sweepInterval 0ms must be positive"),
        Arguments.of("store: {tokenFile: }", "store.tokenFile is missing"),
        Arguments.of(
            "redis: {uri: 'http://db:6379'}",
            "redis.uri must start with redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster://,"
                + " rediss-cluster:// or redis-socket://"),
        Arguments.of(
            "redis: {keyPrefix: 'a{b}'}",
            "redis.keyPrefix a{b} must match [A-Za-z0-9_.:-]{1,64} (no braces: they would break the {type:id} hash tag)"),
        Arguments.of("redis: {nodeTimeout: 0s}", "redis.nodeTimeout 0s must be positive"),
        Arguments.of(
            "store: {sweepInterval: 1s}\nredis: {nodeTimeout: 2s}",
            "redis.nodeTimeout 2s must be at least three times store.sweepInterval 1s = 3s (a node beats once per sweep)"),
        Arguments.of(
            "redis: {nodeTimeout: 11m}",
            "redis.nodeTimeout 11m must be at most 10m (the sessions of a dead node stay online that long)"),
        Arguments.of("audit: {file: }", "audit.file is missing"),
        Arguments.of("audit: {fsyncInterval: 0s}", "audit.fsyncInterval 0s must be positive"),
        Arguments.of("audit: {fsyncInterval: -1s}", "audit.fsyncInterval -1s must be positive"),
        Arguments.of(
            "audit: {fsyncInterval: 1}",
            "audit.fsyncInterval 1 is not a duration: use a whole number and ms, s, m, h or d, as in 30s or 5m"),
        Arguments.of("audit: {fsyncInterval: 8d}", "audit.fsyncInterval 8d must be at most 7d"),
        Arguments.of("audit: {fsyncInterval: }", "audit.fsyncInterval is missing"),
        Arguments.of("audit: {maxFileBytes: 1023}", "audit.maxFileBytes 1023 must be at least 1024"),
        Arguments.of("audit: {maxFileBytes: -5}", "audit.maxFileBytes -5 must be at least 1024"),
        Arguments.of("audit: {maxFileBytes: 100MB}", "audit.maxFileBytes 100MB must be a whole number"),
        Arguments.of("audit: {maxFileBytes: 1.5}", "audit.maxFileBytes 1.5 must be a whole number"),
        // limits
        Arguments.of("limits: {messagesPerSecond: 0}", "limits.messagesPerSecond 0 must be at least 1"),
        Arguments.of("limits: {messagesPerSecond: fast}", "limits.messagesPerSecond fast must be a whole number"),
        Arguments.of("limits: {messageBurst: 0}", "limits.messageBurst 0 must be at least 1"),
        Arguments.of(
            "limits: {messagesPerSecond: 100, messageBurst: 50}",
            "limits.messageBurst 50 must be at least limits.messagesPerSecond 100 (a bucket smaller than one"
                + " second's refill would refuse a steady client)"),
        Arguments.of("limits: {rejectionsBeforeClose: 0}", "limits.rejectionsBeforeClose 0 must be at least 1"),
        Arguments.of("limits: {sessionsPerUser: 0}", "limits.sessionsPerUser 0 must be at least 1"),
        Arguments.of("limits: {connectionsPerNode: -1}", "limits.connectionsPerNode -1 must be at least 1"),
        Arguments.of("limits: {outboundQueueBytes: 1024}", "limits.outboundQueueBytes 1024 must be at least 65536"),
        // auth
        Arguments.of(
            "auth: {defaultAccess: admin}", "auth.defaultAccess admin must be one of none, view, edit"),
        Arguments.of("auth: {nameClaim: ''}", "auth.nameClaim is missing"),
        Arguments.of("auth: {adminRole: }", "auth.adminRole is missing"),
        Arguments.of(
            "auth: {jwksUri: 'ftp://id.example/jwks'}",
            "auth.jwksUri ftp://id.example/jwks must be an http or https URL"),
        // default policy
        Arguments.of("policies: {default: {lockTtl: }}", "policies.default.lockTtl is missing"),
        Arguments.of("policies: {default: {lockTtl: 0s}}", "policies.default.lockTtl 0s must be positive"),
        Arguments.of(
            "policies: {default: {lockTtl: -5m}}", "policies.default.lockTtl -5m must be positive"),
        Arguments.of(
            "policies: {default: {lockTtl: 2m}}",
            "policies.default.lockTtl 2m must be above twice heartbeatInterval 1m = 2m"),
        Arguments.of(
            "policies: {default: {lockTtl: 30d}}", "policies.default.lockTtl 30d must be at most 7d"),
        Arguments.of(
            "policies: {default: {heartbeatInterval: 0s}}",
            "policies.default.heartbeatInterval 0s must be positive"),
        Arguments.of(
            "policies: {default: {disconnectGrace: -5s}}",
            "policies.default.disconnectGrace -5s must not be negative"),
        Arguments.of(
            "policies: {default: {expiryWarning: 5m}}",
            "policies.default.expiryWarning 5m must be below lockTtl 5m"),
        Arguments.of(
            "policies: {default: {maxLocksPerUserPerDocument: 0}}",
            "policies.default.maxLocksPerUserPerDocument 0 must be at least 1"),
        Arguments.of(
            "policies: {default: {maxViewers: ten}}",
            "policies.default.maxViewers ten must be a whole number or unlimited"),
        Arguments.of(
            "policies: {default: {maxViewers: -1}}", "policies.default.maxViewers -1 must be at least 0"),
        Arguments.of(
            "policies: {default: {maxJoinsPerSession: 0}}",
            "policies.default.maxJoinsPerSession 0 must be at least 1"),
        Arguments.of(
            "policies: {default: {conflict: wait}}",
            "policies.default.conflict wait must be one of deny, queue"),
        Arguments.of(
            "policies: {default: {takeover: {mode: force}}}",
            "policies.default.takeover.mode force must be one of request, immediate, disabled"),
        Arguments.of(
            "policies: {default: {takeover: {timeout: 0s}}}",
            "policies.default.takeover.timeout 0s must be positive"),
        Arguments.of(
            "policies: {default: {takeover: {allowDecline: maybe}}}",
            "policies.default.takeover.allowDecline maybe must be true or false"),
        // per-type policies
        Arguments.of(
            "policies: {types: {operation-report: {lockTtl: 1m}}}",
            "policies.types.operation-report.lockTtl 1m must be above twice heartbeatInterval 1m = 2m"),
        Arguments.of(
            "policies: {types: {operation-report: {lockTtl: }}}",
            "policies.types.operation-report.lockTtl is missing"),
        Arguments.of(
            "policies: {types: {note: {takeover: {mode: never}}}}",
            "policies.types.note.takeover.mode never must be one of request, immediate, disabled"),
        Arguments.of(
            "policies: {types: {note: {disconnectGrace: -5s}}}",
            "policies.types.note.disconnectGrace -5s must not be negative"),
        Arguments.of(
            "policies: {types: {Operation-Report: {maxViewers: 1}}}",
            "policies.types.Operation-Report: resource type Operation-Report must match [a-z][a-z0-9_-]{0,63}"),
        Arguments.of(
            "policies: {types: {'a.b': {}}}",
            "policies.types.a.b: resource type a.b must match [a-z][a-z0-9_-]{0,63}"),
        // shape
        Arguments.of("server: 8080", "server must be a mapping of keys, not the value 8080"),
        Arguments.of("policies: {types: [a, b]}", "policies.types must be a mapping of keys, not a list"),
        Arguments.of("server: {port: [1, 2]}", "server.port must be a single value, not a list"),
        Arguments.of("server: {port: {a: 1}}", "server.port must be a single value, not a mapping"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("fileValues")
  void aBadValueInTheFileIsRefusedNamingTheKey(String yaml, String message) {
    assertThatThrownBy(() -> ConfigFixtures.load(dir, yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        Arguments.of(
            "server: {prot: 8080}",
            "unknown key server.prot (known keys under server: eventLoops, helloTimeout, host, maxFrameBytes,"
                + " pingInterval, pingTimeout, port, tls)"),
        Arguments.of(
            "servers: {port: 8080}",
            "unknown key servers (known keys at the top level: audit, auth, limits, policies, redis, server, store)"),
        Arguments.of(
            "policies: {default: {lockTTL: 5m}}",
            "unknown key policies.default.lockTTL (known keys under policies.default: conflict,"
                + " disconnectGrace, expiryWarning, heartbeatInterval, lockTtl,"
                + " maxJoinsPerSession, maxLocksPerUserPerDocument, maxViewers, takeover)"),
        Arguments.of(
            "policies: {types: {note: {takeover: {modus: request}}}}",
            "unknown key policies.types.note.takeover.modus (known keys under"
                + " policies.types.note.takeover: allowDecline, mode, timeout)"),
        Arguments.of(
            "audit: {fsync: 1s}",
            "unknown key audit.fsync (known keys under audit: file, fsyncInterval, maxFileBytes)"),
        Arguments.of(
            "limits: {messagesPerMinute: 5}",
            "unknown key limits.messagesPerMinute (known keys under limits: connectionsPerNode, messageBurst,"
                + " messagesPerSecond, outboundQueueBytes, rejectionsBeforeClose, sessionsPerUser)"),
        Arguments.of(
            "policies: {typs: {}}",
            "unknown key policies.typs (known keys under policies: default, types)"),
        Arguments.of(
            "server.port: 9000",
            "unknown key server.port (a key must not contain dots: nest the mappings instead)"),
        Arguments.of("dev: true", "unknown key dev (known keys at the top level: audit, auth, limits, policies, redis, server, store)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unknownKeys")
  void anUnknownKeyInTheFileIsRefused(String yaml, String message) {
    assertThatThrownBy(() -> ConfigFixtures.load(dir, yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void anUnknownBatonVariableStopsStartUp() {
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_SERVER_PROT", "1"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown environment variable BATON_SERVER_PROT: it maps to no configuration key");
  }

  @Test
  void perTypePoliciesCannotComeFromTheEnvironment() {
    assertThatThrownBy(
            () ->
                BatonConfig.load(
                    null,
                    env("BATON_POLICIES_TYPES_NOTE_LOCK_TTL", "10m"),
                    Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown environment variable BATON_POLICIES_TYPES_NOTE_LOCK_TTL: it maps to no"
                + " configuration key (per-type policies are set in the config file only)");
  }

  @Test
  void devModeCannotComeFromTheEnvironment() {
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_DEV", "true"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BATON_DEV")
        .hasMessageContaining("--dev flag only");
  }

  @Test
  void aBadEnvironmentValueNamesTheKeyPath() {
    assertThatThrownBy(
            () -> BatonConfig.load(null, env("BATON_POLICIES_DEFAULT_LOCK_TTL", "0s"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("policies.default.lockTtl 0s must be positive");
  }

  @Test
  void aBadAuditEnvironmentValueNamesTheKeyPath() {
    assertThatThrownBy(
            () -> BatonConfig.load(null, env("BATON_AUDIT_MAX_FILE_BYTES", "512"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("audit.maxFileBytes 512 must be at least 1024");
    assertThatThrownBy(
            () -> BatonConfig.load(null, env("BATON_AUDIT_FSYNC_INTERVAL", "0ms"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("audit.fsyncInterval 0ms must be positive");
  }

  @Test
  void anEmptyEnvironmentValueOfARequiredKeyIsMissing() {
    assertThatThrownBy(() -> BatonConfig.load(null, env("BATON_SERVER_PORT", ""), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port is missing");
  }

  @Test
  void aBadFlagValueNamesTheKeyPath() {
    assertThatThrownBy(
            () -> BatonConfig.load(null, ENV, new Overrides(null, 65536, false, null, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port 65536 must be between 0 and 65535");
    assertThatThrownBy(
            () -> BatonConfig.load(null, ENV, new Overrides(null, null, false, "mysql", null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("store.type mysql must be one of memory, redis");
  }

  @Test
  void withoutAnyTokenKeyOutsideDevModeStartUpStops() {
    assertThatThrownBy(() -> BatonConfig.load(null, Map.of(), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "auth: no way to verify tokens: set auth.hmacSecret, auth.publicKey or auth.jwksUri"
                + " (or run with --dev)");
  }

  @Test
  void aShortHmacSecretIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () -> BatonConfig.load(null, Map.of("BATON_AUTH_HMAC_SECRET", "tooshort"), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "auth.hmacSecret must be at least 32 bytes (HS256 needs a 256-bit key); the configured one has 8")
        .message()
        .doesNotContain("tooshort");
  }

  @Test
  void aPublicKeyThatIsNeitherPemNorAFileIsRefused() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(
            () -> BatonConfig.load(null, Map.of("BATON_AUTH_PUBLIC_KEY", missing.toString()), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.publicKey " + missing + " is neither PEM text nor a readable file");
  }

  @Test
  void aPublicKeyFileWithoutPemIsRefused() throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("key.txt"), "not a key");

    assertThatThrownBy(
            () -> BatonConfig.load(null, Map.of("BATON_AUTH_PUBLIC_KEY", file.toString()), Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.publicKey file " + file + " holds no PEM block");
  }

  @Test
  void aMissingConfigFileIsRefused() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> BatonConfig.load(missing, ENV, Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + missing + " does not exist");
  }

  @Test
  void malformedYamlIsRefusedWithItsLocation() {
    Path file = yaml(dir, "server:\n  port: [8080\n");

    assertThatThrownBy(() -> BatonConfig.load(file, ENV, Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file " + file + " is not valid YAML at line ");
  }

  @Test
  void aDuplicateKeyIsRefused() {
    Path file = yaml(dir, "server:\n  port: 1\n  port: 2\n");

    assertThatThrownBy(() -> BatonConfig.load(file, ENV, Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file " + file + " is not valid YAML")
        .hasMessageContaining("port");
  }

  @Test
  void aFileThatIsNotAMappingIsRefused() {
    Path file = yaml(dir, "- server\n- store\n");

    assertThatThrownBy(() -> BatonConfig.load(file, ENV, Overrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config file " + file
                + " must hold a mapping of sections (server, store, redis, auth, audit, policies)");
  }

  @Test
  void portZeroMeansAnyFreePort() {
    assertThat(ConfigFixtures.load(dir, "server: {port: 0}").server().port()).isZero();
  }
}
