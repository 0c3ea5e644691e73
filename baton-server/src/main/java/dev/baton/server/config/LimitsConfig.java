package dev.baton.server.config;

/**
 * The {@code limits} section: the abuse limits of one node (docs/configuration.md, docs/protocol.md
 * "Limits"). Immutable and thread-safe; values are validated by {@link BatonConfig#load}, where every
 * bound below is checked with a message naming the key.
 *
 * @param messagesPerSecond messages one connection may send per second on average (the refill rate of
 *     its token bucket), at least 1; a message over it gets {@code error RATE_LIMITED} and changes
 *     nothing
 * @param messageBurst how many messages one connection may send at once (the bucket's size), at least
 *     {@code messagesPerSecond}
 * @param rejectionsBeforeClose how many {@code RATE_LIMITED} rejections within {@link
 *     #REJECTION_WINDOW_SECONDS} seconds close the connection with 4008, at least 1
 * @param sessionsPerUser how many sessions one user may have in the store (connected or inside their
 *     grace, on every node sharing it), at least 1; a {@code hello} that would open one more is refused
 *     with {@code error RATE_LIMITED} and close 4008 (resuming a session is never refused)
 * @param connectionsPerNode how many WebSocket connections this node accepts at once, at least 1; one
 *     more upgrade request is answered HTTP 503
 * @param outboundQueueBytes how many bytes may wait in one connection's outbound queue (beyond what the
 *     operating system buffers) before the connection is closed with 4010, at least 65536
 */
public record LimitsConfig(
    int messagesPerSecond,
    int messageBurst,
    int rejectionsBeforeClose,
    int sessionsPerUser,
    int connectionsPerNode,
    int outboundQueueBytes) {

  /** The window, in seconds, in which {@code rejectionsBeforeClose} rejections close a connection. */
  public static final int REJECTION_WINDOW_SECONDS = 10;
  /** The smallest {@code limits.outboundQueueBytes}. */
  public static final int MIN_OUTBOUND_QUEUE_BYTES = 65_536;
}
