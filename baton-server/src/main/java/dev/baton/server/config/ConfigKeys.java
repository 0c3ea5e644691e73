package dev.baton.server.config;

import dev.baton.core.policy.Durations;
import dev.baton.core.policy.Policy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configuration schema: every known key with its built-in default (SPEC section 5), the sections
 * that group them, and the {@code BATON_*} environment variable of each. Thread-safe (constants only).
 */
final class ConfigKeys {

  /** Path of the per-type policies; its children are resource types. */
  static final String TYPES = "policies.types";
  /** Path of the default policy. */
  static final String DEFAULT_POLICY = "policies.default";
  /** Resource type grammar (SPEC section 1), which {@code policies.types} names must match. */
  static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  /** Policy keys relative to a policy section, in the order of {@link Policy}'s components. */
  static final List<String> POLICY_KEYS =
      List.of(
          "lockTtl",
          "heartbeatInterval",
          "disconnectGrace",
          "expiryWarning",
          "maxLocksPerUserPerDocument",
          "maxViewers",
          "maxJoinsPerSession",
          "conflict",
          "takeover.mode",
          "takeover.timeout",
          "takeover.allowDecline");

  /** Every scalar key outside {@code policies.types}, with its default text; null = unset. */
  static final Map<String, String> DEFAULTS;

  /** {@code BATON_*} name to key path. */
  static final Map<String, String> ENV_NAMES;

  private static final Set<String> SECTIONS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("server.host", "0.0.0.0");
    d.put("server.port", "8080");
    d.put("server.maxFrameBytes", "65536");
    d.put("server.helloTimeout", "10s");
    d.put("server.pingInterval", "25s");
    d.put("server.pingTimeout", "20s");
    d.put("server.eventLoops", "auto");
    d.put("server.tls.certFile", null);
    d.put("server.tls.keyFile", null);
    d.put("store.type", "memory");
    d.put("store.sweepInterval", "250ms");
    d.put("store.tokenFile", "data/fencing-counter");
    d.put("redis.uri", "redis://127.0.0.1:6379");
    d.put("redis.keyPrefix", "baton");
    d.put("redis.nodeTimeout", "5s");
    d.put("auth.hmacSecret", null);
    d.put("auth.publicKey", null);
    d.put("auth.jwksUri", null);
    d.put("auth.issuer", null);
    d.put("auth.audience", null);
    d.put("auth.nameClaim", "name");
    d.put("auth.rolesClaim", "roles");
    d.put("auth.resourcesClaim", "res");
    d.put("auth.defaultAccess", "edit");
    d.put("auth.adminRole", "admin");
    d.put("auth.emergencyRole", "emergency");
    d.put("auth.serviceRole", "service");
    d.put("limits.messagesPerSecond", "50");
    d.put("limits.messageBurst", "200");
    d.put("limits.rejectionsBeforeClose", "20");
    d.put("limits.sessionsPerUser", "20");
    d.put("limits.connectionsPerNode", "50000");
    d.put("limits.outboundQueueBytes", "1048576");
    d.put("audit.file", "data/audit.jsonl");
    d.put("audit.fsyncInterval", "1s");
    d.put("audit.maxFileBytes", Long.toString(AuditConfig.DEFAULT_MAX_FILE_BYTES));
    Policy p = Policy.DEFAULT;
    d.put("policies.default.lockTtl", Durations.format(p.lockTtl()));
    d.put("policies.default.heartbeatInterval", Durations.format(p.heartbeatInterval()));
    d.put("policies.default.disconnectGrace", Durations.format(p.disconnectGrace()));
    d.put("policies.default.expiryWarning", Durations.format(p.expiryWarning()));
    d.put(
        "policies.default.maxLocksPerUserPerDocument",
        Integer.toString(p.maxLocksPerUserPerDocument()));
    d.put(
        "policies.default.maxViewers",
        p.maxViewers() == Policy.UNLIMITED ? "unlimited" : Integer.toString(p.maxViewers()));
    d.put("policies.default.maxJoinsPerSession", Integer.toString(p.maxJoinsPerSession()));
    d.put("policies.default.conflict", p.conflict().name().toLowerCase(Locale.ROOT));
    d.put("policies.default.takeover.mode", p.takeover().mode().name().toLowerCase(Locale.ROOT));
    d.put("policies.default.takeover.timeout", Durations.format(p.takeover().timeout()));
    d.put("policies.default.takeover.allowDecline", Boolean.toString(p.takeover().allowDecline()));
    DEFAULTS = Collections.unmodifiableMap(d);

    Map<String, String> env = new LinkedHashMap<>();
    Set<String> sections = new TreeSet<>();
    for (String key : d.keySet()) {
      env.put(envName(key), key);
      for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
        sections.add(key.substring(0, dot));
      }
    }
    sections.add(TYPES);
    ENV_NAMES = Collections.unmodifiableMap(env);
    SECTIONS = Collections.unmodifiableSet(sections);
  }

  /** What a path names in the schema. */
  enum Kind {
    /** A scalar key. */
    LEAF,
    /** A mapping of further keys. */
    SECTION,
    /** Not in the schema. */
    UNKNOWN
  }

  private ConfigKeys() {}

  /**
   * What {@code path} names. Paths below {@code policies.types.<type>} are policy keys; the caller has
   * already checked the type name against {@link #TYPE_NAME}.
   */
  static Kind kindOf(String path) {
    String rel = policyRelative(path);
    if (rel != null) {
      if (POLICY_KEYS.contains(rel)) {
        return Kind.LEAF;
      }
      return rel.equals("takeover") ? Kind.SECTION : Kind.UNKNOWN;
    }
    if (DEFAULTS.containsKey(path)) {
      return Kind.LEAF;
    }
    return SECTIONS.contains(path) ? Kind.SECTION : Kind.UNKNOWN;
  }

  /** The names allowed directly under {@code section}, for the hint of an unknown key. */
  static Set<String> childrenOf(String section) {
    Set<String> names = new TreeSet<>();
    boolean typeSection = section.startsWith(TYPES + ".");
    String prefix = section.isEmpty() ? "" : section + ".";
    Iterable<String> keys;
    if (typeSection) {
      String type = section.substring(TYPES.length() + 1);
      int dot = type.indexOf('.');
      String typePrefix = TYPES + "." + (dot < 0 ? type : type.substring(0, dot)) + ".";
      keys = POLICY_KEYS.stream().map(k -> typePrefix + k).toList();
    } else {
      keys = DEFAULTS.keySet();
    }
    for (String key : keys) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    if (section.equals("policies")) {
      names.add("types");
    }
    return names;
  }

  /**
   * The environment variable of {@code key}: {@code BATON_} and each segment in upper snake case,
   * joined by {@code _} ({@code server.maxFrameBytes} → {@code BATON_SERVER_MAX_FRAME_BYTES}).
   */
  static String envName(String key) {
    StringBuilder b = new StringBuilder("BATON");
    for (String segment : key.split("\\.")) {
      b.append('_');
      for (char c : segment.toCharArray()) {
        if (Character.isUpperCase(c)) {
          b.append('_');
        }
        b.append(Character.toUpperCase(c));
      }
    }
    return b.toString();
  }

  /** The key relative to its {@code policies.types.<type>} section, or null if not below one. */
  private static String policyRelative(String path) {
    if (!path.startsWith(TYPES + ".")) {
      return null;
    }
    String rest = path.substring(TYPES.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? null : rest.substring(dot + 1);
  }
}
