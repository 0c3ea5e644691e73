package dev.baton.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.PresenceSnapshot;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Presence;
import dev.baton.core.model.Role;
import dev.baton.core.resource.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events that are not for clients encode to nothing, so a connection handed one sends nothing. */
class WireEventTest {

  private final Wire wire = new Wire();

  @Test
  void sessionEndedAndSessionAttachedAreNotSentToClients() {
    assertThat(wire.event(new SessionEnded("s1", "alice", LeaveReason.BYE), "s1", 1L)).isNull();
    assertThat(wire.event(new SessionAttached("s1", "c1", List.of()), "s1", 1L)).isNull();
  }

  @Test
  void aPresenceSnapshotIsPushedInTheShapeOfThePresenceSyncReply() {
    Member alice = new Member("s1", "alice", "Alice", Role.EDITOR, MemberStatus.AWAY, 7L);
    String text = wire.event(
        new PresenceSnapshot(ResourceId.parse("report:r1:diagnosis"), new Presence(4, List.of(alice))), "s2", 9L);

    assertThat(text).isEqualTo("{\"type\":\"presence\",\"ts\":9,\"resource\":\"report:r1:diagnosis\",\"version\":4,"
        + "\"members\":[{\"sessionId\":\"s1\",\"userId\":\"alice\",\"name\":\"Alice\",\"role\":\"editor\","
        + "\"status\":\"away\",\"since\":7}]}");
  }
}
