package dev.baton.server.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.protocol.Wire;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers the requests that HTTP decoding rejects before any route sees them: a request line over
 * {@code maxInitialLineLength} bytes gets 414 and headers over {@code maxHeaderSize} bytes get 431,
 * each with the API's JSON error body ({@code BAD_REQUEST}) instead of Vert.x's empty one; anything
 * else goes to Vert.x's {@link HttpServerRequest#DEFAULT_INVALID_REQUEST_HANDLER} (400, or the
 * connection closed). Install with {@code HttpServer.invalidRequestHandler}. Thread-safe.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {

  private final Wire wire;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;

  /**
   * @param maxInitialLineLength the server's {@code HttpServerOptions.maxInitialLineLength}, in bytes, for the message
   * @param maxHeaderSize the server's {@code HttpServerOptions.maxHeaderSize}, in bytes, for the message
   */
  public InvalidRequests(Wire wire, int maxInitialLineLength, int maxHeaderSize) {
    this.wire = wire;
    this.maxInitialLineLength = maxInitialLineLength;
    this.maxHeaderSize = maxHeaderSize;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      answer(request, 414, "the request line (method, path and query) is longer than " + maxInitialLineLength
          + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      answer(request, 431, "the request headers are larger than " + maxHeaderSize + " bytes");
    } else {
      HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    }
  }

  private void answer(HttpServerRequest request, int status, String message) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(wire.write(HttpApi.errorBody(new BatonException(ErrorCode.BAD_REQUEST, message))));
  }
}
