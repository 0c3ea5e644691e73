package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Says a server message in plain words for {@code baton connect}, the way a UI would show it ("Dr.
 * Smith is editing, expires in 5 min"). Thread-safe (stateless).
 */
final class PlainWords {

  private PlainWords() {}

  /** The message in words, or null when there is nothing to add to the JSON. */
  static String describe(JsonNode m) {
    String resource = m.path("resource").asText();
    return switch (m.path("type").asText()) {
      case "welcome" -> "connected as " + m.path("user").path("name").asText() + " ("
          + m.path("user").path("id").asText() + "), " + (m.path("resumed").asBoolean() ? "resumed" : "new")
          + " session; heartbeat every " + seconds(m.path("heartbeatMs").asLong());
      case "joined" -> m.path("downgraded").asBoolean()
          ? "joined " + resource + " as viewer (" + m.path("reason").asText() + "): " + lock(m.path("lock"))
          : "joined " + resource + " as " + m.path("role").asText() + "; " + lock(m.path("lock"));
      case "lock.granted" -> "you hold " + resource + " (fencing token " + m.path("token").asText()
          + "), expires in " + duration(m.path("remainingMs").asLong());
      case "lock.renewed" -> "renewed " + resource + ", expires in " + duration(m.path("remainingMs").asLong());
      case "lock.released" -> "released " + resource;
      case "lock.state" -> resource + ": " + lock(m.path("lock"));
      case "lock.expiring" -> "your lock on " + resource + " expires in " + duration(m.path("remainingMs").asLong())
          + ": send heartbeats";
      case "lock.expired" -> "your lock on " + resource + " expired: stop editing";
      case "lock.revoked" -> "your lock on " + resource + " was revoked: " + m.path("reason").asText();
      case "presence.joined" -> name(m) + " joined " + resource + " as " + m.path("member").path("role").asText();
      case "presence.left" -> name(m) + " left " + resource + " (" + m.path("reason").asText() + ")";
      case "presence.changed" -> name(m) + " is now " + m.path("member").path("role").asText() + ", "
          + m.path("member").path("status").asText() + " in " + resource;
      case "server.draining" -> "the server is draining: reconnect in " + duration(m.path("reconnectInMs").asLong());
      case "error" -> "error " + m.path("code").asText() + ": " + m.path("message").asText();
      case "closed" -> "connection closed: " + m.path("code").asInt() + " " + m.path("reason").asText();
      default -> null;
    };
  }

  private static String lock(JsonNode lock) {
    if (lock.path("holder").isNull() || lock.path("holder").isMissingNode()) {
      return "nobody is editing";
    }
    return lock.path("holder").path("name").asText() + " is editing, expires in "
        + duration(lock.path("remainingMs").asLong())
        + (lock.path("inGrace").asBoolean() ? " (connection lost, in grace)" : "");
  }

  private static String name(JsonNode m) {
    return m.path("member").path("name").asText();
  }

  private static String seconds(long ms) {
    return (ms + 999) / 1000 + " s";
  }

  /** "42 s" under a minute, else whole minutes rounded up: "5 min". */
  static String duration(long ms) {
    long s = (ms + 999) / 1000;
    return s < 60 ? s + " s" : (s + 59) / 60 + " min";
  }
}
