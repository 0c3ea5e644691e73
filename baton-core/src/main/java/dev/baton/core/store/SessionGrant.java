package dev.baton.core.store;

import dev.baton.core.model.ResourceState;
import java.util.List;

/**
 * A session opened or resumed by {@code hello}. Immutable.
 *
 * @param sessionId the session's id
 * @param resumeToken the token that resumes it once, after a dropped connection
 * @param resumed whether an earlier session came back
 * @param resources the resources it is a member of, as it sees them
 */
public record SessionGrant(
    String sessionId, String resumeToken, boolean resumed, List<ResourceState> resources) {

  public SessionGrant {
    resources = List.copyOf(resources);
  }
}
