package dev.baton.server.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.model.JoinMode;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.protocol.Command.Acquire;
import dev.baton.server.protocol.Command.Bye;
import dev.baton.server.protocol.Command.Cancel;
import dev.baton.server.protocol.Command.Heartbeat;
import dev.baton.server.protocol.Command.Hello;
import dev.baton.server.protocol.Command.Join;
import dev.baton.server.protocol.Command.Leave;
import dev.baton.server.protocol.Command.Ping;
import dev.baton.server.protocol.Command.PresenceSync;
import dev.baton.server.protocol.Command.Refresh;
import dev.baton.server.protocol.Command.Release;
import dev.baton.server.protocol.Command.Request;
import dev.baton.server.protocol.Command.Renew;
import dev.baton.server.protocol.Command.RespondTakeover;
import dev.baton.server.protocol.Command.Takeover;

/**
 * Turns one text frame into a {@link Command}, checking every field's presence and type. Unknown
 * extra fields are ignored (forward compatibility); nesting deeper than 16 levels is refused before
 * it is built. Thread-safe.
 */
public final class CommandParser {

  /** Longest accepted message id, in characters. */
  public static final int MAX_ID_LENGTH = 64;
  /** Longest accepted {@code message} or {@code reason}, in characters. */
  public static final int MAX_TEXT_LENGTH = 500;
  /** Longest accepted JWT or resume token, in characters. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /**
   * Parses a frame.
   *
   * @throws ProtocolException BAD_REQUEST for malformed JSON, a missing or over-long id, an unknown
   *     type or a field of the wrong type; INVALID_RESOURCE for a bad resource id
   */
  public Command parse(String frame) {
    JsonNode root;
    try {
      root = StrictJson.read(frame);
    } catch (StreamConstraintsException e) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, null,
          "the message is nested deeper than " + StrictJson.MAX_DEPTH + " levels");
    } catch (JacksonException e) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, null,
          "the message is not valid JSON (one object per frame, no duplicate keys)");
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, null, "the message must be a JSON object");
    }
    JsonNode idNode = root.get("id");
    if (idNode == null || !idNode.isTextual()) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, null, "id must be a string");
    }
    String id = idNode.textValue();
    if (id.length() > MAX_ID_LENGTH) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, null, "id is longer than " + MAX_ID_LENGTH + " characters");
    }
    JsonNode typeNode = root.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, id, "type must be a string");
    }
    Fields f = new Fields(root, id);
    String type = typeNode.textValue();
    return switch (type) {
      case "hello" -> new Hello(id, f.requiredString("token", MAX_TOKEN_LENGTH),
          f.optionalString("resume", MAX_TOKEN_LENGTH));
      case "auth.refresh" -> new Refresh(id, f.requiredString("token", MAX_TOKEN_LENGTH));
      case "join" -> new Join(id, f.resource(), f.mode());
      case "leave" -> new Leave(id, f.resource());
      case "lock.acquire" -> new Acquire(id, f.resource(), f.flag("wait"), f.flag("takeOwn"));
      case "lock.release" -> new Release(id, f.resource());
      case "lock.renew" -> new Renew(id, f.resource(), f.requiredLong("token"));
      case "lock.cancel" -> new Cancel(id, f.resource());
      case "lock.request" -> new Request(id, f.resource(), f.optionalString("message", MAX_TEXT_LENGTH));
      case "lock.takeover" -> new Takeover(id, f.resource(), f.requiredString("reason", MAX_TEXT_LENGTH),
          f.flag("force"));
      case "takeover.respond" -> new RespondTakeover(id, f.resource(), f.requiredFlag("accept"));
      case "heartbeat" -> new Heartbeat(id);
      case "presence.sync" -> new PresenceSync(id, f.resource());
      case "ping" -> new Ping(id);
      case "bye" -> new Bye(id);
      default -> throw new ProtocolException(ErrorCode.BAD_REQUEST, id,
          "unknown type '" + truncate(type) + "'");
    };
  }

  /** The first 40 code points (never half a surrogate pair) and an ellipsis if there were more. */
  private static String truncate(String s) {
    return s.codePointCount(0, s.length()) <= 40 ? s : s.substring(0, s.offsetByCodePoints(0, 40)) + "…";
  }

  /** Typed access to one message's fields; every failure names the field. */
  private record Fields(JsonNode root, String id) {

    String requiredString(String name, int maxLength) {
      String value = optionalString(name, maxLength);
      if (value == null || value.isEmpty()) {
        throw bad(name + " is required");
      }
      return value;
    }

    String optionalString(String name, int maxLength) {
      JsonNode n = root.get(name);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isTextual()) {
        throw bad(name + " must be a string");
      }
      if (n.textValue().length() > maxLength) {
        throw bad(name + " is longer than " + maxLength + " characters");
      }
      return n.textValue();
    }

    boolean flag(String name) {
      JsonNode n = root.get(name);
      if (n == null || n.isNull()) {
        return false;
      }
      if (!n.isBoolean()) {
        throw bad(name + " must be true or false");
      }
      return n.booleanValue();
    }

    boolean requiredFlag(String name) {
      JsonNode n = root.get(name);
      if (n == null || !n.isBoolean()) {
        throw bad(name + " must be true or false");
      }
      return n.booleanValue();
    }

    long requiredLong(String name) {
      JsonNode n = root.get(name);
      if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
        throw bad(name + " must be an integer");
      }
      return n.longValue();
    }

    ResourceId resource() {
      JsonNode n = root.get("resource");
      if (n == null || !n.isTextual()) {
        throw new ProtocolException(ErrorCode.INVALID_RESOURCE, id, "resource must be a string");
      }
      try {
        return ResourceId.parse(n.textValue());
      } catch (BatonException e) {
        throw new ProtocolException(e.code(), id, e.getMessage());
      }
    }

    JoinMode mode() {
      String mode = optionalString("mode", 8);
      if (mode == null || mode.equals("view")) {
        return JoinMode.VIEW;
      }
      if (mode.equals("edit")) {
        return JoinMode.EDIT;
      }
      throw bad("mode must be \"view\" or \"edit\"");
    }

    private ProtocolException bad(String message) {
      return new ProtocolException(ErrorCode.BAD_REQUEST, id, message);
    }
  }
}
