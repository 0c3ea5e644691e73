package dev.baton.server.ws;

import io.vertx.core.http.ServerWebSocket;

/**
 * The bound on one connection's outbound queue ({@code limits.outboundQueueBytes}): Vert.x's write
 * queue size, which sets the socket's Netty write-buffer high-water mark to {@code maxBytes} (low
 * mark half of it). Bytes wait there only once the operating system's socket buffer is full, that
 * is when the client stops reading; a connection whose queue is over the mark is a slow reader and
 * is closed (4010) rather than allowed to hold the node's memory.
 *
 * <p>Not thread-safe: used on the connection's context.
 */
final class OutboundBound {

  private final ServerWebSocket ws;

  /** @param maxBytes the high-water mark, bytes, positive */
  OutboundBound(ServerWebSocket ws, int maxBytes) {
    this.ws = ws;
    ws.setWriteQueueMaxSize(maxBytes);
  }

  /** Whether the queue is over the bound (false once the socket is closed). */
  boolean exceeded() {
    return !ws.isClosed() && ws.writeQueueFull();
  }
}
