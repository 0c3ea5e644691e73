package dev.baton.server.loadgen;

/** The run could not go on (connections failed, a wait ran out); the message says why. */
public final class LoadgenException extends RuntimeException {

  LoadgenException(String message) {
    super(message);
  }

  LoadgenException(String message, Throwable cause) {
    super(message, cause);
  }
}
