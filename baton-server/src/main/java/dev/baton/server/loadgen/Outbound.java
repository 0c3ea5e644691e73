package dev.baton.server.loadgen;

/**
 * The frames the generator sends, as text. Everything that does not change is built once: the
 * heartbeat and bye frames are constants, each document's acquire and release frames are built when
 * the document is laid out, and a renewal appends only its token to a prefix built then. Request ids
 * are one letter per command, so that a reply's {@code re} tells which command it answers with one
 * {@code charAt} (a connection has at most one lock command in flight). Thread-safe (stateless).
 */
final class Outbound {

  static final char HELLO = 'w';
  static final char JOIN = 'j';
  static final char ACQUIRE = 'a';
  static final char RENEW = 'r';
  static final char RELEASE = 'l';
  static final char HEARTBEAT = 'k';
  static final char BYE = 'x';

  static final String HEARTBEAT_FRAME = "{\"id\":\"k\",\"type\":\"heartbeat\"}";
  static final String BYE_FRAME = "{\"id\":\"x\",\"type\":\"bye\"}";

  private Outbound() {}

  static String hello(String token) {
    return "{\"id\":\"w\",\"type\":\"hello\",\"token\":\"" + token + "\"}";
  }

  static String join(String resource) {
    return "{\"id\":\"j\",\"type\":\"join\",\"resource\":\"" + resource + "\",\"mode\":\"view\"}";
  }

  static String acquire(String resource) {
    return "{\"id\":\"a\",\"type\":\"lock.acquire\",\"resource\":\"" + resource + "\"}";
  }

  static String release(String resource) {
    return "{\"id\":\"l\",\"type\":\"lock.release\",\"resource\":\"" + resource + "\"}";
  }

  /** The part of a renewal before its token: {@link #renew} completes it. */
  static String renewPrefix(String resource) {
    return "{\"id\":\"r\",\"type\":\"lock.renew\",\"resource\":\"" + resource + "\",\"token\":";
  }

  static String renew(String prefix, long token) {
    return prefix + token + '}';
  }
}
