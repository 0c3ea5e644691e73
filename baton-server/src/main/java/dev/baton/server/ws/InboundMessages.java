package dev.baton.server.ws;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reassembles a connection's data frames into messages, in place of Vert.x's own aggregation, which
 * decodes text leniently (invalid UTF-8 becomes U+FFFD and the message is handled anyway). A text
 * message that is not valid UTF-8 is refused with close 1007, as RFC 6455 section 8.1 requires; a
 * message over {@code maxBytes} (across fragments) with close 1009; a binary message is reported once,
 * when it is complete. Control frames are Vert.x's business and pass by.
 *
 * <p>Not thread-safe: used only on its connection's context.
 */
final class InboundMessages implements Handler<WebSocketFrame> {

  private final int maxBytes;
  private final Consumer<String> onText;
  private final Runnable onBinary;
  private final Consumer<Short> onRefused;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  /** The message being reassembled, or null between messages and after a refusal. */
  private Buffer pending;
  private boolean binary;

  /**
   * @param maxBytes the largest message, in bytes ({@code server.maxFrameBytes})
   * @param onText gets each complete, valid text message
   * @param onBinary runs for each complete binary message
   * @param onRefused gets {@link CloseCodes#TOO_BIG} or {@link CloseCodes#INVALID_DATA}; nothing more
   *     of that message is delivered
   */
  InboundMessages(int maxBytes, Consumer<String> onText, Runnable onBinary, Consumer<Short> onRefused) {
    this.maxBytes = maxBytes;
    this.onText = onText;
    this.onBinary = onBinary;
    this.onRefused = onRefused;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      binary = frame.isBinary();
      pending = Buffer.buffer();
    } else if (!frame.isContinuation() || pending == null) {
      return;
    }
    Buffer data = frame.binaryData();
    if ((long) pending.length() + data.length() > maxBytes) {
      pending = null;
      onRefused.accept(CloseCodes.TOO_BIG);
      return;
    }
    pending.appendBuffer(data);
    if (!frame.isFinal()) {
      return;
    }
    Buffer message = pending;
    pending = null;
    if (binary) {
      onBinary.run();
      return;
    }
    String text;
    try {
      text = utf8.decode(ByteBuffer.wrap(message.getBytes())).toString();
    } catch (CharacterCodingException e) {
      onRefused.accept(CloseCodes.INVALID_DATA);
      return;
    }
    onText.accept(text);
  }
}
