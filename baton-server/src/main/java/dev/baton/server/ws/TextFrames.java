package dev.baton.server.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Writes a text message whose UTF-8 bytes are already in a {@link Buffer}, without copying them, so
 * that one encoded event can go to many sockets. Vert.x's public API writes text only from a {@code
 * String} (one UTF-8 copy per socket); this builds the text frame from the buffer's bytes the way
 * {@code WebSocketImplBase.writePartialMessage} does, with Vert.x's internal frame class. Vert.x heap
 * buffers ignore {@code release}, so writing the same buffer to several sockets is safe. A message
 * longer than {@code maxFrameBytes} is split into a text frame and continuation frames, as {@code
 * writeTextMessage} splits it.
 *
 * <p>Stateless; call on the socket's context.
 */
final class TextFrames {

  private TextFrames() {}

  /** Writes {@code utf8} as one text message on {@code ws}; {@code utf8} is not modified. */
  static void write(ServerWebSocket ws, Buffer utf8, int maxFrameBytes) {
    int length = utf8.length();
    if (length <= maxFrameBytes) {
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true));
      return;
    }
    for (int offset = 0; offset < length; offset += maxFrameBytes) {
      int end = Math.min(length, offset + maxFrameBytes);
      boolean last = end == length;
      Buffer part = utf8.slice(offset, end);
      ws.writeFrame(offset == 0
          ? new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) part).getByteBuf(), false)
          : WebSocketFrame.continuationFrame(part, last));
    }
  }
}
