package dev.baton.server.loadgen;

/**
 * Reads the few fields the generator needs from a server message without parsing it into a tree:
 * the server writes {@code re}, then {@code type}, then {@code ts}, then the payload (protocol v1,
 * {@code Wire}), so each field is the first occurrence of its quoted key. Nothing is allocated except
 * for {@link #code}, read only for errors. Thread-safe (stateless).
 */
final class Inbound {

  private static final String RE = "{\"re\":\"";
  private static final String TYPE = "\"type\":\"";
  private static final String TS = "\"ts\":";
  private static final String VERSION = "\"version\":";
  private static final String TOKEN = "\"token\":";
  private static final String HEARTBEAT_MS = "\"heartbeatMs\":";
  private static final String PRESENCE_VERSION = "\"presence\":{\"version\":";
  private static final String CODE = "\"code\":\"";

  private Inbound() {}

  /** The one-letter id this message answers, or 0 for an event (no {@code re}). */
  static char re(String m) {
    return m.startsWith(RE) && m.length() > RE.length() + 1 && m.charAt(RE.length() + 1) == '"'
        ? m.charAt(RE.length()) : 0;
  }

  /** Index of the first character of the {@code type} value, or -1. */
  static int typeAt(String m) {
    int i = m.indexOf(TYPE);
    return i < 0 ? -1 : i + TYPE.length();
  }

  /** Whether the {@code type} value starting at {@code at} is exactly {@code type}. */
  static boolean typeIs(String m, int at, String type) {
    return at >= 0 && m.startsWith(type, at) && m.length() > at + type.length()
        && m.charAt(at + type.length()) == '"';
  }

  /** Whether the {@code type} value starting at {@code at} starts with {@code prefix}. */
  static boolean typeStarts(String m, int at, String prefix) {
    return at >= 0 && m.startsWith(prefix, at);
  }

  static boolean isError(String m, int typeAt) {
    return typeIs(m, typeAt, "error");
  }

  /** The server's {@code ts} (epoch milliseconds), or -1. */
  static long ts(String m) {
    return number(m, TS);
  }

  /** The top-level {@code version} of a presence event, or -1. */
  static long version(String m) {
    return number(m, VERSION);
  }

  /** {@code presence.version} of a {@code joined} reply, or -1. */
  static long presenceVersion(String m) {
    return number(m, PRESENCE_VERSION);
  }

  /** The {@code token} of a {@code lock.granted}, or -1. */
  static long token(String m) {
    return number(m, TOKEN);
  }

  /** {@code heartbeatMs} of a {@code welcome}, or -1. */
  static long heartbeatMs(String m) {
    return number(m, HEARTBEAT_MS);
  }

  /** The {@code code} of an error, or {@code "UNKNOWN"}. */
  static String code(String m) {
    int i = m.indexOf(CODE);
    if (i < 0) {
      return "UNKNOWN";
    }
    int from = i + CODE.length();
    int end = m.indexOf('"', from);
    return end < 0 ? "UNKNOWN" : m.substring(from, end);
  }

  /** The non-negative integer after the first {@code key}, or -1 when absent or not a number. */
  static long number(String m, String key) {
    int i = m.indexOf(key);
    if (i < 0) {
      return -1;
    }
    int p = i + key.length();
    long v = 0;
    int digits = 0;
    for (; p < m.length(); p++) {
      char c = m.charAt(p);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      digits++;
    }
    return digits == 0 ? -1 : v;
  }
}
