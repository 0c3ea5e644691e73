package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrameType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One encoded buffer written to several real WebSockets as text (each when its client says it is
 * ready): each receives the whole message, a
 * long one split into frames of at most {@code maxFrameBytes} (a text frame, then continuations), and
 * the shared buffer is left as it was.
 */
class TextFramesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneBufferReachesEverySocketWholeAndSplitIntoFramesOfAtMostMaxFrameBytes() throws Exception {
    int maxFrameBytes = 1024;
    String text = "{\"name\":\"" + "Ärztin Müller, 手術 ".repeat(200) + "\"}"; // multi-byte characters cut across frames
    Buffer shared = Buffer.buffer(text);
    int length = shared.length();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .webSocketHandler(ws -> ws.textMessageHandler(ready -> TextFrames.write(ws, shared, maxFrameBytes)));
    int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

    for (int client = 0; client < 3; client++) {
      List<WebSocketFrameType> types = new CopyOnWriteArrayList<>();
      List<Integer> sizes = new CopyOnWriteArrayList<>();
      CompletableFuture<String> received = new CompletableFuture<>();
      CompletableFuture<Void> lastFrame = new CompletableFuture<>();
      WebSocketClient wsClient = vertx.createWebSocketClient();
      WebSocket ws = wsClient.connect(port, "127.0.0.1", "/").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      ws.frameHandler(f -> {
        types.add(f.type());
        sizes.add(f.binaryData().length());
        if (f.isFinal()) {
          lastFrame.complete(null);
        }
      });
      ws.textMessageHandler(received::complete);
      ws.writeTextMessage("ready"); // the server writes once the handlers are in place

      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(text);
      lastFrame.get(10, TimeUnit.SECONDS); // the frame handler runs after the message handler
      assertThat(types.get(0)).isEqualTo(WebSocketFrameType.TEXT);
      assertThat(types.subList(1, types.size())).containsOnly(WebSocketFrameType.CONTINUATION);
      assertThat(types).hasSize((length + maxFrameBytes - 1) / maxFrameBytes);
      assertThat(sizes).allMatch(s -> s <= maxFrameBytes);
      wsClient.close();
    }
    assertThat(shared.length()).isEqualTo(length);
    assertThat(shared.toString()).isEqualTo(text);
  }

  @Test
  void aShortMessageIsOneFinalTextFrame() throws Exception {
    Buffer shared = Buffer.buffer("{\"type\":\"pong\"}");
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .webSocketHandler(ws -> ws.textMessageHandler(ready -> TextFrames.write(ws, shared, 1024)));
    int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    List<WebSocketFrameType> types = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> firstFrameFinal = new CompletableFuture<>();
    CompletableFuture<String> received = new CompletableFuture<>();
    WebSocket ws = vertx.createWebSocketClient().connect(port, "127.0.0.1", "/").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    ws.frameHandler(f -> {
      types.add(f.type());
      firstFrameFinal.complete(f.isFinal());
    });
    ws.textMessageHandler(received::complete);
    ws.writeTextMessage("ready");

    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"pong\"}");
    assertThat(firstFrameFinal.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(types).containsExactly(WebSocketFrameType.TEXT);
  }
}
