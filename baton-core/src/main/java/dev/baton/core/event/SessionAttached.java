package dev.baton.core.event;

import dev.baton.core.resource.ResourceId;
import java.util.List;

/**
 * A session was opened or resumed on connection {@code connectionId}. The hub of the node holding
 * that connection starts routing the session's events to it; any other connection of the session
 * closes with 4009 (resumed elsewhere).
 *
 * @param memberships the resources the session is a member of
 */
public record SessionAttached(String sessionId, String connectionId, List<ResourceId> memberships)
    implements SessionEvent {

  public SessionAttached {
    memberships = List.copyOf(memberships);
  }
}
