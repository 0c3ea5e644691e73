package dev.baton.server.ws;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/**
 * An {@link OutputStream} that appends to a Vert.x {@link Buffer}, so that an encoder writes a frame's
 * bytes straight into the buffer the socket sends (no {@code String}, no copy of a byte array). Not
 * thread-safe: one per message.
 */
final class BufferOutput extends OutputStream {

  private final Buffer buffer;

  /** @param initialBytes the buffer's first capacity; it grows as needed */
  BufferOutput(int initialBytes) {
    this.buffer = Buffer.buffer(initialBytes);
  }

  @Override
  public void write(int b) {
    buffer.appendByte((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    buffer.appendBytes(bytes, offset, length);
  }

  /** What was written. */
  Buffer buffer() {
    return buffer;
  }
}
