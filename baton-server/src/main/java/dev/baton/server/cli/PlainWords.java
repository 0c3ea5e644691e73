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
      case "lock.state" -> resource + ": " + lock(m.path("lock")) + queue(m.path("lock"));
      case "lock.expiring" -> "your lock on " + resource + " expires in " + duration(m.path("remainingMs").asLong())
          + ": send heartbeats";
      case "lock.queued" -> "waiting for " + resource + ": number " + m.path("position").asInt() + " in line";
      case "lock.cancelled" -> "stopped waiting for " + resource;
      case "lock.request.sent" -> "asked the editor of " + resource + " to let you edit";
      case "lock.requested" -> m.path("by").path("name").asText() + " asks to edit " + resource
          + (m.path("message").isTextual() ? ": \"" + m.path("message").asText() + "\"" : "");
      case "takeover.pending" -> "taking over " + resource + " in " + duration(m.path("remainingMs").asLong());
      case "takeover.requested" -> m.path("by").path("name").asText() + " takes over " + resource + " in "
          + duration(m.path("remainingMs").asLong()) + " (" + m.path("reason").asText() + "): save your work";
      case "takeover.declined" -> "the takeover of " + resource + " will not happen: " + m.path("reason").asText();
      case "takeover.responded" -> (m.path("accept").asBoolean() ? "handed over " : "declined the takeover of ")
          + resource;
      case "lock.expired" -> "your lock on " + resource + " expired: stop editing";
      case "lock.revoked" -> "your lock on " + resource + " was revoked: " + m.path("reason").asText();
      case "presence.joined" -> name(m) + " joined " + resource + " as " + m.path("member").path("role").asText();
      case "presence.left" -> name(m) + " left " + resource + " (" + m.path("reason").asText() + ")";
      case "presence.changed" -> name(m) + " is now " + m.path("member").path("role").asText() + ", "
          + m.path("member").path("status").asText() + " in " + resource;
      case "server.draining" -> "the server is draining: reconnect in " + duration(m.path("reconnectInMs").asLong());
      case "error" -> "error " + m.path("code").asText() + ": " + m.path("message").asText();
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

  private static String queue(JsonNode lock) {
    int waiting = lock.path("queueLength").asInt();
    String takeover = lock.path("takeover").isObject()
        ? "; " + lock.path("takeover").path("by").path("name").asText() + " takes over in "
            + duration(lock.path("takeover").path("remainingMs").asLong())
        : "";
    return (waiting > 0 ? "; " + waiting + " waiting" : "") + takeover;
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
