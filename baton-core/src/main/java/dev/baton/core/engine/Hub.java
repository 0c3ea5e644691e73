package dev.baton.core.engine;

import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.PresenceLeft;
import dev.baton.core.event.PresenceSnapshot;
import dev.baton.core.event.ResourceEvent;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.event.SessionEvent;
import dev.baton.core.model.Member;
import dev.baton.core.model.ResourceState;
import dev.baton.core.resource.ResourceId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes events to this node's connections (centrifuge's hub): session events to the session's
 * connection, resource events to the connections of the resource's members. Its index of who is a
 * member of what follows the events themselves ({@code SessionAttached}, {@code presence.joined},
 * {@code presence.left}), so it cannot drift from the store's order. {@code SessionEnded} is routed
 * nowhere (it is for the audit trail).
 *
 * <p>Several nodes (the Redis store): a {@link Listener} learns when a document gets its first member
 * on this node and when it loses its last one, so that the node listens to that document's events
 * from other nodes only while it needs them; {@link #resync} pushes a fresh state to this node's
 * members of a resource after the node missed some of those events.
 *
 * <p>A resource event is wrapped once in a {@link Fanout} handed to each member's connection, so the
 * transport encodes it once for all of them rather than once per member.
 *
 * <p>Thread-safe. {@link #publish} is called by the store in commit order and only calls {@link
 * Subscriber#deliver}, which enqueues.
 */
public final class Hub implements EventSink {

  /**
   * Told when the set of this node's members of a document changes between empty and non-empty. It
   * is called after the change, on the thread that made it (the store's, or a closing connection's),
   * possibly out of order with another thread's call: it should only note the document and ask
   * {@link #localResources} on its own thread what the state now is. It must not block.
   */
  @FunctionalInterface
  public interface Listener {

    /** Nobody is told anything. */
    Listener NONE = documentId -> {};

    /** The document {@code type:id} got its first member on this node, or lost its last one. */
    void localMembersChanged(String documentId);
  }

  private final Listener listener;
  private final Map<String, Subscriber> pending = new ConcurrentHashMap<>();
  private final Map<String, Subscriber> bySession = new ConcurrentHashMap<>();
  /*
   * The membership index. Each value is an immutable array used as a set, replaced whole (copy on
   * write) under indexLock and read without a lock: a reader iterates a consistent snapshot. An array
   * of one or a few elements is a few dozen bytes where a concurrent set is a few hundred, and every
   * idle joined connection has one entry in each of the three maps; a change copies the array, O(n)
   * like the fan-out of the presence event that comes with it.
   */
  private final Map<String, ResourceId[]> resourcesBySession = new ConcurrentHashMap<>();
  private final Map<ResourceId, String[]> sessionsByResource = new ConcurrentHashMap<>();
  /** Resources with a member on this node, by document. */
  private final Map<String, ResourceId[]> resourcesByDocument = new ConcurrentHashMap<>();
  private final Object indexLock = new Object();

  /** A hub for one node on its own (the memory store). */
  public Hub() {
    this(Listener.NONE);
  }

  /** @param listener told when a document gets its first local member or loses its last one */
  public Hub(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

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

  /** The sessions bound to a connection of this node: session id to connection id, a copy. */
  public Map<String, String> attachedConnections() {
    Map<String, String> out = new HashMap<>();
    bySession.forEach((sessionId, s) -> out.put(sessionId, s.connectionId()));
    return out;
  }

  /** The connection of this node that {@code sessionId} is bound to, or null. */
  public String connectionOf(String sessionId) {
    Subscriber s = bySession.get(sessionId);
    return s == null ? null : s.connectionId();
  }

  /** The resources of document {@code type:id} that have a member on this node, a copy. */
  public Set<ResourceId> localResources(String documentId) {
    ResourceId[] rs = resourcesByDocument.get(documentId);
    return rs == null ? Set.of() : Set.of(rs);
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

  /**
   * Pushes {@code state} (a service view: the token is filtered per recipient by the transport) to
   * this node's members of its resource as a {@link PresenceSnapshot} followed by a {@link
   * LockStateChanged}, and brings the index in line with it: a session of this node listed as a
   * member is indexed, one no longer listed is told (it gets the snapshot without itself) and
   * unindexed. For a node that missed events (SPEC guarantee 2.6: "or the member is told to resync").
   */
  public void resync(ResourceState state) {
    ResourceId r = state.resource();
    Set<String> members = new HashSet<>();
    for (Member m : state.presence().members()) {
      members.add(m.sessionId());
      if (bySession.containsKey(m.sessionId())) {
        index(m.sessionId(), r);
      }
    }
    String[] recipients = sessionsByResource.getOrDefault(r, NO_SESSIONS);
    Fanout presence = new Fanout(new PresenceSnapshot(r, state.presence()));
    Fanout lock = new Fanout(new LockStateChanged(r, state.lock()));
    for (String sessionId : recipients) {
      if (!members.contains(sessionId)) {
        unindex(sessionId, r);
      }
      Subscriber s = bySession.get(sessionId);
      if (s != null) {
        s.deliver(presence);
        s.deliver(lock);
      }
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
    String[] members = sessionsByResource.get(e.resource());
    if (members == null) {
      return;
    }
    Fanout fanout = new Fanout(e);
    for (String sessionId : members) {
      Subscriber s = bySession.get(sessionId);
      if (s != null) {
        s.deliver(fanout);
      }
    }
  }

  private void index(String sessionId, ResourceId r) {
    boolean firstOfDocument = false;
    synchronized (indexLock) {
      resourcesBySession.put(sessionId, with(resourcesBySession.get(sessionId), r, NO_RESOURCES));
      String[] sessions = sessionsByResource.get(r);
      if (sessions == null || !contains(sessions, sessionId)) {
        sessionsByResource.put(r, with(sessions, sessionId, NO_SESSIONS));
        if (sessions == null) {
          ResourceId[] rs = resourcesByDocument.get(r.document());
          resourcesByDocument.put(r.document(), with(rs, r, NO_RESOURCES));
          firstOfDocument = rs == null;
        }
      }
    }
    if (firstOfDocument) {
      listener.localMembersChanged(r.document());
    }
  }

  private void unindex(String sessionId, ResourceId r) {
    boolean lastOfDocument = false;
    synchronized (indexLock) {
      replace(resourcesBySession, sessionId, without(resourcesBySession.get(sessionId), r));
      String[] sessions = sessionsByResource.get(r);
      if (sessions != null && contains(sessions, sessionId)) {
        String[] rest = without(sessions, sessionId);
        replace(sessionsByResource, r, rest);
        if (rest == null) {
          ResourceId[] ofDocument = resourcesByDocument.get(r.document());
          if (ofDocument != null && contains(ofDocument, r)) {
            ResourceId[] others = without(ofDocument, r);
            replace(resourcesByDocument, r.document(), others);
            lastOfDocument = others == null;
          }
        }
      }
    }
    if (lastOfDocument) {
      listener.localMembersChanged(r.document());
    }
  }

  private void unindex(String sessionId) {
    ResourceId[] rs;
    synchronized (indexLock) {
      rs = resourcesBySession.remove(sessionId);
    }
    if (rs != null) {
      for (ResourceId r : rs) {
        unindex(sessionId, r);
      }
    }
  }

  private static final String[] NO_SESSIONS = {};
  private static final ResourceId[] NO_RESOURCES = {};

  private static <T> boolean contains(T[] set, T x) {
    for (T e : set) {
      if (e.equals(x)) {
        return true;
      }
    }
    return false;
  }

  /** {@code set} with {@code x} added: the same array if already there, else a copy one longer. */
  private static <T> T[] with(T[] set, T x, T[] empty) {
    T[] base = set == null ? empty : set;
    if (contains(base, x)) {
      return base;
    }
    T[] out = Arrays.copyOf(base, base.length + 1);
    out[base.length] = x;
    return out;
  }

  /** {@code set} without {@code x}: the same array if absent, null if nothing is left. */
  private static <T> T[] without(T[] set, T x) {
    if (set == null) {
      return null;
    }
    for (int i = 0; i < set.length; i++) {
      if (set[i].equals(x)) {
        if (set.length == 1) {
          return null;
        }
        T[] out = Arrays.copyOf(set, set.length - 1);
        System.arraycopy(set, i + 1, out, i, set.length - 1 - i);
        return out;
      }
    }
    return set;
  }

  /** Puts {@code value} under {@code key}, or removes the key when {@code value} is null. */
  private static <K, V> void replace(Map<K, V> map, K key, V value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }
}
