package dev.baton.core.engine;

import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.ResourceEvent;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.SessionEvent;
import dev.baton.core.resource.ResourceId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes events to this node's connections (centrifuge's hub): session events to the session's
 * connection, resource events to the connections of the resource's members. Its index of who is a
 * member of what follows the events themselves ({@code SessionAttached}, {@code presence.joined},
 * {@code presence.left}), so it cannot drift from the store's order. {@code SessionEnded} is routed
 * nowhere (it is for the audit trail).
 *
 * <p>Thread-safe. {@link #publish} is called by the store in commit order and only calls {@link
 * Subscriber#deliver}, which enqueues.
 */
public final class Hub implements EventSink {

  private final Map<String, Subscriber> pending = new ConcurrentHashMap<>();
  private final Map<String, Subscriber> bySession = new ConcurrentHashMap<>();
  private final Map<String, Set<ResourceId>> resourcesBySession = new ConcurrentHashMap<>();
  private final Map<ResourceId, Set<String>> sessionsByResource = new ConcurrentHashMap<>();

  /**
   * Registers a connection that is about to open or resume a session; the store's {@link
   * SessionAttached} for its connection id binds it to the session.
   */
  public void expect(Subscriber subscriber) {
    pending.put(subscriber.connectionId(), subscriber);
  }

  /** Forgets a connection that closed, if it is still the one bound to {@code sessionId}. */
  public void detach(String sessionId, String connectionId) {
    pending.remove(connectionId);
    if (sessionId == null) {
      return;
    }
    Subscriber current = bySession.get(sessionId);
    if (current != null && current.connectionId().equals(connectionId)
        && bySession.remove(sessionId, current)) {
      unindex(sessionId);
    }
  }

  /** Number of sessions bound to a connection of this node. */
  public int attachedSessions() {
    return bySession.size();
  }

  @Override
  public void publish(Event event) {
    if (event instanceof SessionAttached a) {
      attach(a);
    } else if (event instanceof SessionEnded) {
      // Not for clients: a session that ended by bye is detached by the engine, one whose grace ran
      // out was detached when its connection closed.
      return;
    } else if (event instanceof SessionEvent e) {
      Subscriber s = bySession.get(e.sessionId());
      if (s != null) {
        s.deliver(e);
      }
    } else {
      route((ResourceEvent) event);
    }
  }

  private void attach(SessionAttached a) {
    Subscriber next = pending.remove(a.connectionId());
    Subscriber previous = next == null ? bySession.remove(a.sessionId()) : bySession.put(a.sessionId(), next);
    if (previous != null && previous != next) {
      previous.deliver(a);
    }
    unindex(a.sessionId());
    if (next != null) {
      for (ResourceId r : a.memberships()) {
        index(a.sessionId(), r);
      }
    }
  }

  private void route(ResourceEvent e) {
    if (e instanceof PresenceJoined j && bySession.containsKey(j.member().sessionId())) {
      index(j.member().sessionId(), j.resource());
    } else if (e instanceof PresenceLeft l) {
      unindex(l.member().sessionId(), l.resource());
    }
    Set<String> members = sessionsByResource.get(e.resource());
    if (members == null) {
      return;
    }
    for (String sessionId : members) {
      Subscriber s = bySession.get(sessionId);
      if (s != null) {
        s.deliver(e);
      }
    }
  }

  private void index(String sessionId, ResourceId r) {
    resourcesBySession.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(r);
    sessionsByResource.computeIfAbsent(r, k -> ConcurrentHashMap.newKeySet()).add(sessionId);
  }

  private void unindex(String sessionId, ResourceId r) {
    Set<ResourceId> rs = resourcesBySession.get(sessionId);
    if (rs != null) {
      rs.remove(r);
    }
    sessionsByResource.computeIfPresent(r, (k, set) -> {
      set.remove(sessionId);
      return set.isEmpty() ? null : set;
    });
  }

  private void unindex(String sessionId) {
    Set<ResourceId> rs = resourcesBySession.remove(sessionId);
    if (rs != null) {
      for (ResourceId r : rs) {
        unindex(sessionId, r);
      }
    }
  }
}
