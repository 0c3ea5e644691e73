package dev.baton.core.store;

import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.ResourceEvent;
import dev.baton.core.event.SessionEvent;
import dev.baton.core.model.Lease;
import dev.baton.core.resource.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link EventSink} that keeps every event in the order the store handed them over (its commit
 * order), plus the leases that store calls returned, for the assertions and the invariant check of
 * {@link StoreContract}. Thread-safe: the race tests publish from many threads at once.
 */
public final class EventRecorder implements EventSink {

  /** A lease that a store call returned to {@code sessionId}. */
  public record ObservedLease(String sessionId, Lease lease) {}

  private final List<Event> events = new ArrayList<>();
  private final List<ObservedLease> leases = new ArrayList<>();

  @Override
  public synchronized void publish(Event event) {
    events.add(Objects.requireNonNull(event, "the store published a null event"));
  }

  /** Notes a lease returned by {@code acquire}, {@code renew} or {@code heartbeat}. */
  public synchronized void observe(String sessionId, Lease lease) {
    leases.add(new ObservedLease(sessionId, Objects.requireNonNull(lease, "null lease")));
  }

  /** The position after the last event so far, for {@link #since}. */
  public synchronized int mark() {
    return events.size();
  }

  /** Every event so far, in commit order. */
  public synchronized List<Event> all() {
    return List.copyOf(events);
  }

  /** The events published after {@code mark} was taken. */
  public synchronized List<Event> since(int mark) {
    return List.copyOf(events.subList(mark, events.size()));
  }

  /** Every event of {@code type}. */
  public <T extends Event> List<T> ofType(Class<T> type) {
    return ofType(type, 0);
  }

  /** The events of {@code type} published after {@code mark}. */
  public <T extends Event> List<T> ofType(Class<T> type, int mark) {
    return since(mark).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Every event for one session ({@link SessionEvent}s addressed to it). */
  public List<SessionEvent> forSession(String sessionId) {
    return forSession(sessionId, 0);
  }

  /** The events for one session published after {@code mark}. */
  public List<SessionEvent> forSession(String sessionId, int mark) {
    return ofType(SessionEvent.class, mark).stream()
        .filter(e -> e.sessionId().equals(sessionId))
        .toList();
  }

  /** Every event for the members of {@code resource}. */
  public List<ResourceEvent> forResource(ResourceId resource) {
    return forResource(resource, 0);
  }

  /** The events for the members of {@code resource} published after {@code mark}. */
  public List<ResourceEvent> forResource(ResourceId resource, int mark) {
    return ofType(ResourceEvent.class, mark).stream()
        .filter(e -> e.resource().equals(resource))
        .toList();
  }

  /** The events of {@code type} for {@code resource} published after {@code mark}. */
  public <T extends ResourceEvent> List<T> ofType(Class<T> type, ResourceId resource, int mark) {
    return ofType(type, mark).stream().filter(e -> e.resource().equals(resource)).toList();
  }

  /** Every lease that store calls returned, in the order they returned. */
  public synchronized List<ObservedLease> leases() {
    return List.copyOf(leases);
  }
}
