package dev.baton.core.audit;

import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockExpired;
import dev.baton.core.event.LockGranted;
import dev.baton.core.event.LockRevoked;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.TakeoverRequested;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.LockState;
import dev.baton.core.resource.ResourceId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link EventSink} that writes an {@link AuditRecord} for every transition the store publishes and
 * then hands the event on unchanged to the sink it decorates (the hub). The store publishes while it
 * commits (the memory store under its lock), so records are written in commit order and before the
 * operation's stage completes, that is before the client is acknowledged (SPEC guarantee 2.6).
 *
 * <p>What is recorded: {@code join} and {@code leave} (with the leave reason) from the presence
 * events; {@code grant} from a pushed {@code LockGranted} and from a {@code LockStateChanged} whose
 * holder and token differ from the last one seen for the resource (a direct grant: acquire, join in
 * edit mode, takeover); {@code release} from a {@code LockStateChanged} that shows the lock free when
 * its last grant has not been ended by an expiry or revocation; {@code expiry}, {@code revocation}
 * (actor and reason), {@code takeover.request} (actor and reason) and {@code session.end} (reason)
 * from their events. Renewals, queue positions and lock requests are not recorded.
 *
 * <p>To tell grants and releases apart it keeps, per resource, the lock it last saw granted (dropped
 * when the lock is seen free), and, per session that joined something, its user id (dropped when the
 * session ends). Thread-safe: the bookkeeping and the record are one synchronized step, the hand-on
 * follows outside it.
 */
public final class AuditingSink implements EventSink {

  private record Held(String userId, String sessionId, long token) {}

  private final EventSink delegate;
  private final AuditTrail trail;
  private final Map<ResourceId, Held> held = new HashMap<>();
  private final Map<String, String> userOfSession = new HashMap<>();
  /** False while {@link #observe} runs: the bookkeeping follows the event, no record is written. */
  private boolean recording = true;

  /**
   * @param delegate receives every event after it has been recorded (the hub)
   * @param trail where records go
   */
  public AuditingSink(EventSink delegate, AuditTrail trail) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.trail = Objects.requireNonNull(trail, "trail");
  }

  @Override
  public void publish(Event event) {
    try {
      synchronized (this) {
        audit(event);
      }
    } catch (RuntimeException e) {
      // An AuditTrail reports its own failures and must not throw; whatever it does, the store
      // must not see an exception in the middle of a transition, and the hub must get the event.
    }
    delegate.publish(event);
  }

  /**
   * An event another node committed, or a lock state read to resynchronize (several nodes on the
   * Redis store): that node records it, so this sink writes nothing and hands nothing on (the caller
   * routes it), but it keeps its bookkeeping in step, so that a grant made on another node and
   * released here is still recorded as the release of that grant.
   */
  public void observe(Event event) {
    try {
      synchronized (this) {
        recording = false;
        try {
          audit(event);
        } finally {
          recording = true;
        }
      }
    } catch (RuntimeException e) {
      // as in publish: never an exception in the middle of a transition
    }
  }

  private void audit(Event event) {
    if (event instanceof PresenceJoined e) {
      userOfSession.put(e.member().sessionId(), e.member().userId());
      record(AuditEvent.JOIN, e.resource(), e.member().userId(), e.member().sessionId(), null, null, null);
    } else if (event instanceof PresenceLeft e) {
      record(AuditEvent.LEAVE, e.resource(), e.member().userId(), e.member().sessionId(), null, null,
          reason(e.reason()));
    } else if (event instanceof PresenceChanged e) {
      userOfSession.put(e.member().sessionId(), e.member().userId());
    } else if (event instanceof LockStateChanged e) {
      lockChanged(e.resource(), e.lock());
    } else if (event instanceof LockGranted e) {
      ResourceId resource = e.lease().resource();
      long token = e.lease().token();
      Held last = held.get(resource);
      if (last == null || last.token() != token) {
        String userId = userOfSession.get(e.sessionId());
        held.put(resource, new Held(userId, e.sessionId(), token));
        record(AuditEvent.GRANT, resource, userId, e.sessionId(), token, null, null);
      }
    } else if (event instanceof LockExpired e) {
      record(AuditEvent.EXPIRY, e.resource(), ended(e.resource(), e.sessionId(), e.token()), e.sessionId(),
          e.token(), null, null);
    } else if (event instanceof LockRevoked e) {
      record(AuditEvent.REVOCATION, e.resource(), ended(e.resource(), e.sessionId(), e.token()),
          e.sessionId(), e.token(), e.by() == null ? null : e.by().userId(), e.reason());
    } else if (event instanceof TakeoverRequested e) {
      Held holder = held.get(e.resource());
      boolean known = holder != null && holder.sessionId().equals(e.sessionId());
      record(AuditEvent.TAKEOVER_REQUEST, e.resource(),
          known ? holder.userId() : userOfSession.get(e.sessionId()), e.sessionId(),
          known ? holder.token() : null, e.takeover().by().userId(), e.reason());
    } else if (event instanceof SessionEnded e) {
      userOfSession.remove(e.sessionId());
      record(AuditEvent.SESSION_END, null, e.userId(), e.sessionId(), null, null, reason(e.reason()));
    }
  }

  /** A grant when holder and token are new for the resource; a release when it is seen free. */
  private void lockChanged(ResourceId resource, LockState lock) {
    if (lock.held() && lock.token() != null) {
      Held now = new Held(lock.holder().userId(), lock.holder().sessionId(), lock.token());
      Held last = held.put(resource, now);
      if (last == null || last.token() != now.token() || !last.sessionId().equals(now.sessionId())) {
        record(AuditEvent.GRANT, resource, now.userId(), now.sessionId(), now.token(), null, null);
      }
    } else if (!lock.held()) {
      Held last = held.remove(resource);
      if (last != null) {
        record(AuditEvent.RELEASE, resource, last.userId(), last.sessionId(), last.token(), null, null);
      }
    }
  }

  /** Forgets the resource's grant if it is the one that ended; returns the holder's user id. */
  private String ended(ResourceId resource, String sessionId, long token) {
    Held last = held.get(resource);
    if (last != null && last.token() == token) {
      held.remove(resource);
      if (last.userId() != null) {
        return last.userId();
      }
    }
    return userOfSession.get(sessionId);
  }

  private void record(AuditEvent event, ResourceId resource, String userId, String sessionId, Long token,
      String actor, String reason) {
    if (!recording) {
      return;
    }
    trail.record(new AuditRecord(event, resource, userId, sessionId, token, actor, reason));
  }

  private static String reason(LeaveReason reason) {
    return reason == null ? null : reason.name().toLowerCase(Locale.ROOT);
  }
}
