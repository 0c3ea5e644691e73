package dev.baton.server.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One generated hostile frame: what kind of attack it is, the WebSocket opcode and payload, and what
 * the server may answer. Immutable.
 *
 * @param kind the generator's name for it, for the failure report
 * @param opcode 1 (text) or 2 (binary)
 * @param payload the frame's bytes, sent as they are (not necessarily UTF-8)
 * @param expect what answer is correct
 * @param sessionId for {@link Expect#RESUMED}: the session the hello must resume; else null
 */
record Hostile(String kind, int opcode, byte[] payload, Expect expect, String sessionId) {

  /** What the server may answer to a hostile frame. */
  enum Expect {
    /** An {@code error} with a spec code other than INTERNAL, or a close with a spec code. */
    REFUSED,
    /** Anything but INTERNAL, 1011 or a hang: the frame may be valid by chance (random JSON). */
    ANY,
    /** A {@code welcome} of a new session ({@code resumed: false}) that is none of the honest ones. */
    FRESH_SESSION,
    /** A {@code welcome} resuming {@link Hostile#sessionId()}. */
    RESUMED
  }

  static Hostile text(String kind, String text, Expect expect) {
    return new Hostile(kind, 1, text.getBytes(StandardCharsets.UTF_8), expect, null);
  }

  /** Whether the frame is larger than {@code maxFrameBytes}. */
  boolean oversized(int maxFrameBytes) {
    return payload.length > maxFrameBytes;
  }

  /** The first 160 bytes, printable, for the failure report. */
  String preview() {
    String s = new String(payload, 0, Math.min(payload.length, 160), StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> {
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffd || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return (opcode == 2 ? "binary " : "") + b + (payload.length > 160 ? "… (" + payload.length + " bytes)" : "");
  }
}
