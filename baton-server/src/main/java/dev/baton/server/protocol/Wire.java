package dev.baton.server.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
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
import dev.baton.core.event.PresenceSnapshot;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.TakeoverDeclined;
import dev.baton.core.event.TakeoverRequested;
import dev.baton.core.model.Holder;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.ResourceState;
import dev.baton.core.policy.Policy;
import dev.baton.core.resource.ResourceId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes replies and events of protocol v1 as JSON text (Jackson). Enums are written in lower case
 * ({@code "viewer"}, {@code "away"}), resource ids in their normalized text form, and a lock's token
 * only when present, so a copy filtered with {@link LockState#forViewer} carries none. Thread-safe.
 */
public final class Wire {

  /** Jackson mix-in: omit {@code LockState.token} when null (nobody but the holder sees it). */
  private abstract static class LockStateMixin {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    abstract Long token();
  }

  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
          .addMixIn(LockState.class, LockStateMixin.class)
          .addModule(new SimpleModule().addSerializer(ResourceId.class, ToStringSerializer.instance))
          .build();

  /** The shared mapper, configured for the wire format; also used for HTTP bodies. */
  public ObjectMapper mapper() {
    return json;
  }

  /** A message {@code {re?, type, ts, ...fields}}; {@code re} is omitted when null. */
  public String message(String re, String type, long ts, Map<String, ?> fields) {
    return write(messageMap(re, type, ts, fields));
  }

  /**
   * {@link #message} written as UTF-8 to {@code out}, with no {@code String} in between.
   *
   * @throws UncheckedIOException if {@code out} fails
   */
  public void writeMessage(OutputStream out, String re, String type, long ts, Map<String, ?> fields) {
    write(out, messageMap(re, type, ts, fields));
  }

  private static Map<String, Object> messageMap(String re, String type, long ts, Map<String, ?> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (re != null) {
      m.put("re", re);
    }
    m.put("type", type);
    m.put("ts", ts);
    m.putAll(fields);
    return m;
  }

  /**
   * A message carrying a lease, {@code {re?, type, ts, resource, token?, expiresAt, remainingMs}}, written
   * as UTF-8 to {@code out} by Jackson's generator, without the maps of {@link #message}: the same text
   * as {@code message(re, type, ts, fields)} with those fields ({@code lock.granted} with the token,
   * {@code lock.renewed} without). For the replies of the lock path, sent thousands of times a second.
   *
   * @param withToken whether the token is written
   * @throws UncheckedIOException if {@code out} fails
   */
  public void leaseMessage(OutputStream out, String re, String type, long ts, Lease lease, boolean withToken) {
    try (JsonGenerator g = head(out, re, type, ts)) {
      g.writeStringField("resource", lease.resource().toString());
      if (withToken) {
        g.writeNumberField("token", lease.token());
      }
      g.writeNumberField("expiresAt", lease.expiresAt());
      g.writeNumberField("remainingMs", lease.remainingMs());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A message that names only its resource, {@code {re?, type, ts, resource}} ({@code lock.released},
   * {@code left}, ...), written like {@link #leaseMessage}: the same text as {@link #message} of {@code
   * {resource}}.
   *
   * @throws UncheckedIOException if {@code out} fails
   */
  public void resourceMessage(OutputStream out, String re, String type, long ts, ResourceId resource) {
    try (JsonGenerator g = head(out, re, type, ts)) {
      g.writeStringField("resource", resource.toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generator on {@code out} that has written {@code {re?, type, ts,}} as {@link #message} does. */
  private JsonGenerator head(OutputStream out, String re, String type, long ts) throws IOException {
    JsonGenerator g = json.getFactory().createGenerator(out, JsonEncoding.UTF8);
    g.writeStartObject();
    if (re != null) {
      g.writeStringField("re", re);
    }
    g.writeStringField("type", type);
    g.writeNumberField("ts", ts);
    return g;
  }

  /** An error reply: {@code {re, type: "error", code, message, retryable, ts, ...details}}. */
  public String error(String re, ErrorCode code, String message, long ts, Map<String, ?> details) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (re != null) {
      m.put("re", re);
    }
    m.put("type", "error");
    m.put("code", code.name());
    m.put("message", message);
    m.put("retryable", code.retryable());
    m.put("ts", ts);
    m.putAll(details);
    return write(m);
  }

  /** An error reply for a refusal. */
  public String error(String re, BatonException e, long ts) {
    return error(re, e.code(), e.getMessage(), ts, e.details());
  }

  /**
   * A pushed event as {@code recipientSessionId} may see it (tokens of others removed).
   *
   * @return the message, or null for an event that is not sent to clients ({@code SessionAttached},
   *     which the connection acts on itself, and {@code SessionEnded}, which is for the audit trail)
   */
  public String event(Event event, String recipientSessionId, long ts) {
    Map<String, Object> m = eventMap(event, recipientSessionId, ts);
    return m == null ? null : write(m);
  }

  /**
   * {@link #event} written as UTF-8 to {@code out}, with no {@code String} in between.
   *
   * @return false (and nothing written) for an event that is not sent to clients
   * @throws UncheckedIOException if {@code out} fails
   */
  public boolean writeEvent(OutputStream out, Event event, String recipientSessionId, long ts) {
    Map<String, Object> m = eventMap(event, recipientSessionId, ts);
    if (m == null) {
      return false;
    }
    write(out, m);
    return true;
  }

  private Map<String, Object> eventMap(Event event, String recipientSessionId, long ts) {
    Map<String, Object> f = new LinkedHashMap<>();
    String type;
    if (event instanceof SessionAttached || event instanceof SessionEnded) {
      return null;
    } else if (event instanceof PresenceJoined e) {
      type = "presence.joined";
      f.put("resource", e.resource());
      f.put("version", e.version());
      f.put("member", e.member());
    } else if (event instanceof PresenceLeft e) {
      type = "presence.left";
      f.put("resource", e.resource());
      f.put("version", e.version());
      f.put("member", e.member());
      f.put("reason", e.reason());
    } else if (event instanceof PresenceChanged e) {
      type = "presence.changed";
      f.put("resource", e.resource());
      f.put("version", e.version());
      f.put("member", e.member());
    } else if (event instanceof PresenceSnapshot e) {
      // The same shape as the reply to presence.sync, pushed (no re) after a node resynchronized.
      type = "presence";
      f.put("resource", e.resource());
      f.put("version", e.presence().version());
      f.put("members", e.presence().members());
    } else if (event instanceof LockStateChanged e) {
      type = "lock.state";
      f.put("resource", e.resource());
      f.put("lock", e.lock().forViewer(recipientSessionId));
    } else if (event instanceof LockGranted e) {
      type = "lock.granted";
      f.putAll(lease(e.lease()));
    } else if (event instanceof LockExpiring e) {
      type = "lock.expiring";
      f.putAll(lease(e.lease()));
    } else if (event instanceof LockExpired e) {
      type = "lock.expired";
      f.put("resource", e.resource());
      f.put("token", e.token());
    } else if (event instanceof LockRevoked e) {
      type = "lock.revoked";
      f.put("resource", e.resource());
      f.put("token", e.token());
      f.put("by", e.by() == null ? null : person(e.by()));
      f.put("reason", e.reason());
    } else if (event instanceof LockQueued e) {
      type = "lock.queued";
      f.put("resource", e.resource());
      f.put("position", e.position());
    } else if (event instanceof LockRequested e) {
      type = "lock.requested";
      f.put("resource", e.resource());
      f.put("by", e.by());
      f.put("message", e.message());
    } else if (event instanceof TakeoverRequested e) {
      type = "takeover.requested";
      f.put("resource", e.resource());
      f.put("by", person(e.takeover().by()));
      f.put("reason", e.reason());
      f.put("deadline", e.takeover().deadline());
      f.put("remainingMs", e.takeover().remainingMs());
    } else if (event instanceof TakeoverDeclined e) {
      type = "takeover.declined";
      f.put("resource", e.resource());
      f.put("by", e.by() == null ? null : person(e.by()));
      f.put("reason", e.reason());
    } else {
      throw new IllegalArgumentException("not a client event: " + event.getClass().getSimpleName());
    }
    return messageMap(null, type, ts, f);
  }

  /**
   * Whether {@code recipientSessionId}'s copy of {@code event} differs from everybody else's: only the
   * holder's copy of a {@code lock.state} carries the token ({@link LockState#forViewer}). Every other
   * recipient's copy of an event is the same, so it can be encoded once for all of them.
   */
  public static boolean isHoldersCopy(Event event, String recipientSessionId) {
    if (event instanceof LockStateChanged e) {
      LockState lock = e.lock();
      return lock.token() != null && lock.holder() != null && lock.holder().sessionId().equals(recipientSessionId);
    }
    return false;
  }

  /** {@code {resource, token, expiresAt, remainingMs}} of a lease. */
  public static Map<String, Object> lease(Lease lease) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("resource", lease.resource());
    f.put("token", lease.token());
    f.put("expiresAt", lease.expiresAt());
    f.put("remainingMs", lease.remainingMs());
    return f;
  }

  /** {@code {resource, role, lock, presence: {version, members}}} of a resource state. */
  public static Map<String, Object> resourceState(ResourceState state) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("resource", state.resource());
    if (state.role() != null) {
      f.put("role", state.role());
    }
    f.put("lock", state.lock());
    f.put("presence", state.presence());
    return f;
  }

  /** The effective policy as {@code joined.policy} shows it, durations in milliseconds. */
  public static Map<String, Object> policy(Policy p) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("lockTtlMs", p.lockTtl().toMillis());
    f.put("heartbeatIntervalMs", p.heartbeatInterval().toMillis());
    f.put("disconnectGraceMs", p.disconnectGrace().toMillis());
    f.put("expiryWarningMs", p.expiryWarning().toMillis());
    f.put("maxLocksPerUserPerDocument", p.maxLocksPerUserPerDocument());
    f.put("maxViewers", p.maxViewers() == Policy.UNLIMITED ? null : p.maxViewers());
    f.put("maxJoinsPerSession", p.maxJoinsPerSession());
    f.put("conflict", p.conflict());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("mode", p.takeover().mode());
    t.put("timeoutMs", p.takeover().timeout().toMillis());
    t.put("allowDecline", p.takeover().allowDecline());
    f.put("takeover", t);
    return f;
  }

  private static Map<String, Object> person(Holder h) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("userId", h.userId());
    f.put("name", h.name());
    return f;
  }

  private void write(OutputStream out, Object value) {
    try {
      json.writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serializes any value with the wire settings. */
  public String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
