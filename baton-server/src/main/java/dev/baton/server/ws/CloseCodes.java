package dev.baton.server.ws;

/**
 * Every WebSocket close code Baton sends (SPEC section 3), in one place. A client reconnects after
 * 1001, 1006, 1011, 1012, 4008 (with backoff) and 4010 (with its resume token, then resyncs) and does
 * not after 1000, 4001 and 4009; the browser SDK also reconnects after a 4001 for an expired token when
 * it can fetch a new one.
 */
public final class CloseCodes {

  /** The session ended on purpose ({@code bye}). */
  public static final short NORMAL = 1000;
  /** The peer stopped answering pings (half-open connection); its session enters grace. */
  public static final short GOING_AWAY = 1001;
  /** A frame that breaks RFC 6455 (reserved opcode or bit, unmasked, a continuation without a start). */
  public static final short PROTOCOL_ERROR = 1002;
  /** A text message that is not valid UTF-8 (RFC 6455 section 8.1). */
  public static final short INVALID_DATA = 1007;
  /** A frame or message over {@code server.maxFrameBytes}. */
  public static final short TOO_BIG = 1009;
  /** An internal error. */
  public static final short INTERNAL = 1011;
  /**
   * The store lost the session (Redis restarted without its data): the same code as {@link #INTERNAL},
   * so that clients reconnect; their resume finds no session and they get a new one (docs/decisions.md).
   */
  public static final short SESSION_LOST = INTERNAL;
  /** The node is draining; reconnect (to any node) and resume. */
  public static final short DRAINING = 1012;
  /** No {@code hello} in time, a bad token, or a token that expired without {@code auth.refresh}. */
  public static final short UNAUTHENTICATED = 4001;
  /** Too many messages, or too many sessions of one user (abuse limits). */
  public static final short RATE_LIMITED = 4008;
  /** The session was resumed on another connection. */
  public static final short RESUMED_ELSEWHERE = 4009;
  /** The client stopped reading: its outbound queue passed {@code limits.outboundQueueBytes}. */
  public static final short SLOW_READER = 4010;

  private CloseCodes() {}
}
