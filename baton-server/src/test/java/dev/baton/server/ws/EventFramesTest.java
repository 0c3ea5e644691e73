package dev.baton.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.engine.Fanout;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceJoined;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.model.Holder;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Role;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.Clock;
import dev.baton.server.protocol.Wire;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * An event is encoded once per copy and the same bytes go to every recipient of that copy: the
 * holder's {@code lock.state} carries its token, every viewer's is one shared copy without it.
 */
class EventFramesTest {

  private static final ResourceId RESOURCE = ResourceId.parse("operation-report:42:diagnosis");
  private static final Holder SMITH = new Holder("smith", "Dr. Smith", "s-smith");

  private final Wire wire = new Wire();
  private final Clock clock = Clock.system();

  private Buffer frame(Fanout fanout, String recipient) {
    return EventFrames.of(fanout, wire, clock).forRecipient(recipient);
  }

  @Test
  void viewersShareOneCopyWithoutTheTokenAndTheHolderGetsItsOwnWithIt() {
    LockState held = new LockState(SMITH, 4711L, 1L, 2L, 1L, false, 0, null);
    Fanout fanout = new Fanout(new LockStateChanged(RESOURCE, held));

    Buffer jane = frame(fanout, "s-jane");
    Buffer tom = frame(fanout, "s-tom");
    Buffer smith = frame(fanout, "s-smith");

    assertThat(tom).as("the same bytes for every viewer").isSameAs(jane);
    assertThat(jane.toString()).contains("\"holder\":{").doesNotContain("4711").doesNotContain("\"token\"");
    assertThat(smith.toString()).contains("\"token\":4711");
    assertThat(frame(fanout, "s-smith")).isSameAs(smith);
  }

  @Test
  void aFreeLockAndPresenceEventsAreOneCopyForEveryone() {
    Fanout free = new Fanout(new LockStateChanged(RESOURCE, LockState.free(0)));
    assertThat(frame(free, "s-smith")).isSameAs(frame(free, "s-jane"));

    Member jane = new Member("s-jane", "jane", "Nurse Jane", Role.VIEWER, MemberStatus.ONLINE, 7L);
    Fanout joined = new Fanout(new PresenceJoined(RESOURCE, 3, jane));
    Buffer first = frame(joined, "s-smith");
    assertThat(frame(joined, "s-jane")).isSameAs(first);
    assertThat(first.toString()).startsWith("{\"type\":\"presence.joined\",\"ts\":");
  }

  @Test
  void anEventThatIsNotForClientsHasNoFrame() {
    Fanout ended = new Fanout(new SessionEnded("s-smith", "smith", LeaveReason.BYE));

    assertThat(frame(ended, "s-smith")).isNull();
    assertThat(frame(ended, "s-jane")).isNull();
  }
}
