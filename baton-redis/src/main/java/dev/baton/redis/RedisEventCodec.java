package dev.baton.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.event.Event;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockExpiring;
import dev.baton.core.event.LockGranted;
import dev.baton.core.event.LockQueued;
import dev.baton.core.event.LockRequested;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.TakeoverDeclined;
import dev.baton.core.event.TakeoverRequested;
import dev.baton.core.model.Holder;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Presence;
import dev.baton.core.model.ResourceState;
import dev.baton.core.model.Role;
import dev.baton.core.model.TakeoverState;
import dev.baton.core.resource.ResourceId;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what the Lua scripts write (JSON) into the core's records: the events every script returns
 * and publishes, and the leases, lock states, members and views of its results. The formats are
 * those of {@code lib.lua}: an event is {@code {"type": "lock.state", "resource": ..., "lock":
 * ...}} with the protocol's event name as {@code type}; absent fields are null; an empty list may
 * come as {@code []} or {@code {}} (cjson cannot tell them apart).
 *
 * <p>A published message on a document channel is {@code {"seq": n, "node": id, "events": [...]}},
 * on a node channel {@code {"events": [...]}}; see {@link #decodeBatch}.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisEventCodec {

  /**
   * The events of one script run, with the document's sequence number (0 when it has none) and the
   * id of the node that ran the script ({@code ""} when the message names none: a node channel).
   */
  public record Batch(long seq, String origin, List<Event> events) {

    public Batch {
      events = List.copyOf(events);
    }
  }

  private final ObjectMapper json;

  /** @param json the mapper used to parse published messages and script replies */
  public RedisEventCodec(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Decodes a message published by a script.
   *
   * @throws IllegalArgumentException if {@code payload} is not such a message
   */
  public Batch decodeBatch(String payload) {
    try {
      JsonNode node = json.readTree(payload);
      return new Batch(node.path("seq").asLong(0), node.path("node").asText(""), decodeEvents(node.get("events")));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a Baton event message: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a JSON array of events, in order; an absent node or an empty object is no events.
   *
   * @throws IllegalArgumentException for an unknown event type
   */
  public List<Event> decodeEvents(JsonNode array) {
    List<Event> events = new ArrayList<>();
    for (JsonNode e : list(array)) {
      events.add(decodeEvent(e));
    }
    return events;
  }

  /**
   * Decodes one event.
   *
   * @throws IllegalArgumentException for an unknown event type
   */
  public Event decodeEvent(JsonNode e) {
    String type = text(e, "type");
    return switch (type) {
      case "presence.joined" -> new PresenceJoined(resource(e), e.get("version").asLong(), member(e.get("member")));
      case "presence.changed" -> new PresenceChanged(resource(e), e.get("version").asLong(), member(e.get("member")));
      case "presence.left" -> new PresenceLeft(resource(e), e.get("version").asLong(), member(e.get("member")),
          LeaveReason.valueOf(text(e, "reason").toUpperCase(Locale.ROOT)));
      case "lock.state" -> new LockStateChanged(resource(e), lockState(e.get("lock")));
      case "lock.granted" -> new LockGranted(text(e, "sessionId"), lease(e.get("lease")));
      case "lock.expiring" -> new LockExpiring(text(e, "sessionId"), lease(e.get("lease")));
      case "lock.expired" -> new LockExpired(text(e, "sessionId"), resource(e), e.get("token").asLong());
      case "lock.revoked" -> new LockRevoked(text(e, "sessionId"), resource(e), e.get("token").asLong(),
          holder(e.get("by")), text(e, "reason"));
      case "lock.queued" -> new LockQueued(text(e, "sessionId"), resource(e), e.get("position").asInt());
      case "lock.requested" -> new LockRequested(text(e, "sessionId"), resource(e), member(e.get("by")),
          text(e, "message"));
      case "takeover.requested" -> new TakeoverRequested(text(e, "sessionId"), resource(e),
          takeover(e.get("takeover")), text(e, "reason"));
      case "takeover.declined" -> new TakeoverDeclined(text(e, "sessionId"), resource(e), holder(e.get("by")),
          text(e, "reason"));
      case "session.attached" -> new SessionAttached(text(e, "sessionId"), text(e, "connectionId"),
          resources(e.get("memberships")));
      default -> throw new IllegalArgumentException("unknown event type " + type);
    };
  }

  // ---------------------------------------------------------------- models (package-private)

  Member member(JsonNode m) {
    return new Member(text(m, "sessionId"), text(m, "userId"), text(m, "name"),
        Role.valueOf(text(m, "role").toUpperCase(Locale.ROOT)),
        MemberStatus.valueOf(text(m, "status").toUpperCase(Locale.ROOT)), m.get("since").asLong());
  }

  static Holder holder(JsonNode h) {
    if (absent(h)) {
      return null;
    }
    return new Holder(text(h, "userId"), text(h, "name"), text(h, "sessionId"));
  }

  static Lease lease(JsonNode l) {
    return new Lease(ResourceId.parse(text(l, "resource")), l.get("token").asLong(), l.get("expiresAt").asLong(),
        l.get("remainingMs").asLong());
  }

  static TakeoverState takeover(JsonNode t) {
    if (absent(t)) {
      return null;
    }
    return new TakeoverState(holder(t.get("by")), t.get("deadline").asLong(), t.get("remainingMs").asLong());
  }

  /** The lock as a service sees it; {@link LockState#free} when absent. */
  static LockState lockState(JsonNode l) {
    if (absent(l)) {
      return LockState.free(0);
    }
    Holder holder = holder(l.get("holder"));
    if (holder == null) {
      return LockState.free(l.path("queueLength").asInt());
    }
    return new LockState(holder, l.get("token").asLong(), l.get("acquiredAt").asLong(), l.get("expiresAt").asLong(),
        l.get("remainingMs").asLong(), l.path("inGrace").asBoolean(), l.path("queueLength").asInt(),
        takeover(l.get("takeover")));
  }

  /**
   * Reads a script's reply: JSON text, or a Redis array of the JSON text followed by the member
   * records of the views in it (a view's {@code presence} names its records by position, {@code
   * recordsAt} and {@code recordCount}; they are parsed and put there as {@code records}). The
   * scripts do not build the member list as one JSON text: a long string costs Lua time per byte, on
   * Redis's one thread, for every join of a document with many members.
   *
   * @throws JsonProcessingException if the text or a record is not JSON
   */
  JsonNode reply(Response response) throws JsonProcessingException {
    if (response.type() != ResponseType.MULTI) {
      return json.readTree(response.toString());
    }
    JsonNode reply = json.readTree(response.get(0).toString());
    attachRecords(reply, response);
    return reply;
  }

  private void attachRecords(JsonNode node, Response response) throws JsonProcessingException {
    if (node instanceof ObjectNode o && o.has("recordsAt")) {
      int at = o.get("recordsAt").asInt();
      int count = o.get("recordCount").asInt();
      ArrayNode records = o.putArray("records");
      for (int i = at; i < at + count; i++) {
        records.add(json.readTree(response.get(i).toString()));
      }
      return;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        attachRecords(child, response);
      }
    }
  }

  /**
   * A view as {@code viewerSessionId} sees it (MemoryState.view); null is a service. The scripts
   * send the presence's member records as stored ({@code records}, in hash order, with their join
   * position {@code joined}; see {@link #reply}); they are put in join order here, so that Redis does
   * not decode, sort and re-encode every member of a document for every join.
   */
  ResourceState view(JsonNode v, String viewerSessionId) {
    JsonNode presence = v.get("presence");
    List<JsonNode> records = list(presence.get("records"));
    records.sort(Comparator.comparingLong(r -> r.get("joined").asLong()));
    List<Member> members = new ArrayList<>(records.size());
    for (JsonNode m : records) {
      members.add(member(m));
    }
    Role role = null;
    if (viewerSessionId != null) {
      for (Member m : members) {
        if (m.sessionId().equals(viewerSessionId)) {
          role = m.role();
        }
      }
    }
    LockState lock = lockState(v.get("lock"));
    return new ResourceState(ResourceId.parse(text(v, "resource")), role,
        viewerSessionId == null ? lock : lock.forViewer(viewerSessionId),
        new Presence(presence.get("version").asLong(), members));
  }

  /**
   * The details of a refusal, in the scripts' order: integral numbers as {@link Long} ({@code
   * queueLength} as {@link Integer}, like the memory store), objects as maps.
   */
  static Map<String, Object> details(JsonNode d) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (absent(d) || !d.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> field : d.properties()) {
      out.put(field.getKey(), plain(field.getKey(), field.getValue()));
    }
    return out;
  }

  private static Object plain(String key, JsonNode v) {
    if (v.isObject()) {
      return details(v);
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return "queueLength".equals(key) ? (Object) v.intValue() : (Object) v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isArray()) {
      List<Object> items = new ArrayList<>();
      v.forEach(x -> items.add(plain(key, x)));
      return items;
    }
    return v.isNull() ? null : v.asText();
  }

  static List<ResourceId> resources(JsonNode array) {
    List<ResourceId> out = new ArrayList<>();
    for (JsonNode r : list(array)) {
      out.add(ResourceId.parse(r.asText()));
    }
    return out;
  }

  /** The elements of a JSON array; an absent node or an empty object is an empty list. */
  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (absent(array) || !array.isArray()) {
      return out;
    }
    array.forEach(out::add);
    return out;
  }

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return absent(v) ? null : v.asText();
  }

  private static ResourceId resource(JsonNode e) {
    return ResourceId.parse(text(e, "resource"));
  }
}
