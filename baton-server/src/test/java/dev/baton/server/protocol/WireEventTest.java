package dev.baton.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.model.LeaveReason;
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
}
