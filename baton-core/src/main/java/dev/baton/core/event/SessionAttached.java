package dev.baton.core.event;

import dev.baton.core.resource.ResourceId;
import java.util.List;

/**
 * A session was opened or resumed on connection {@code connectionId}. The hub of the node holding
 * that connection starts routing the session's events to it; any other connection of the session
 * closes with 4009 (resumed elsewhere). With {@code connectionId} {@link #LOST}, the store no longer
 * has the session at all (its data was lost, e.g. Redis restarted empty): the session's connection
 * closes with a code after which the client reconnects and opens a new session.
 *
 * @param memberships the resources the session is a member of
 */
public record SessionAttached(String sessionId, String connectionId, List<ResourceId> memberships)
    implements SessionEvent {

  /** The {@code connectionId} meaning "attached nowhere: the store lost the session" (never a real connection id). */
  public static final String LOST = "";

  public SessionAttached {
    memberships = List.copyOf(memberships);
  }
}
