package dev.baton.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.event.SessionEnded;
import dev.baton.core.model.Holder;
import dev.baton.core.model.LeaveReason;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Role;
import dev.baton.core.resource.ResourceId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lock path's replies, streamed without maps, are the very text {@link Wire#message} makes of the
 * same fields: the protocol cannot tell which encoder wrote a reply.
 */
class WireStreamedRepliesTest {

  private final Wire wire = new Wire();
  private final ResourceId resource = ResourceId.parse("operation-report:7F1C0E2A-0B4D-4E55-9A3B-0C1D2E3F4A5B:diagnosis");
  private final Lease lease = new Lease(resource, 9_007_199_254_740_993L, 1_790_000_000_123L, 29_999L);

  @Test
  void lockGrantedCarriesTheTokenAndMatchesTheMapEncoding() {
    Map<String, Object> f = new LinkedHashMap<>(Wire.lease(lease));

    assertThat(streamed(out -> wire.leaseMessage(out, "a1", "lock.granted", 42L, lease, true)))
        .isEqualTo(wire.message("a1", "lock.granted", 42L, f))
        .contains("\"token\":9007199254740993");
  }

  @Test
  void lockRenewedLeavesOutTheTokenAndMatchesTheMapEncoding() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("resource", resource);
    f.put("expiresAt", lease.expiresAt());
    f.put("remainingMs", lease.remainingMs());

    assertThat(streamed(out -> wire.leaseMessage(out, "r\"é\u2028", "lock.renewed", 42L, lease, false)))
        .isEqualTo(wire.message("r\"é\u2028", "lock.renewed", 42L, f))
        .doesNotContain("token");
  }

  @Test
  void aReplyNamingItsResourceMatchesTheMapEncodingWithOrWithoutRe() {
    assertThat(streamed(out -> wire.resourceMessage(out, "x", "lock.released", 7L, resource)))
        .isEqualTo(wire.message("x", "lock.released", 7L, Map.of("resource", resource)));
    assertThat(streamed(out -> wire.resourceMessage(out, null, "left", 7L, resource)))
        .isEqualTo(wire.message(null, "left", 7L, Map.of("resource", resource)))
        .startsWith("{\"type\":\"left\"");
  }

  @Test
  void anEventOrMessageWrittenToAStreamIsTheTextOfItsStringForm() {
    Holder smith = new Holder("smith", "Dr. Smith", "s1");
    LockState held = new LockState(smith, 12L, 1L, 2L, 3L, false, 0, null);
    LockStateChanged state = new LockStateChanged(resource, held);
    PresenceChanged changed = new PresenceChanged(resource, 4,
        new Member("s1", "smith", "Dr. Smith", Role.EDITOR, MemberStatus.ONLINE, 5L));

    assertThat(streamedEvent(out -> wire.writeEvent(out, state, "s1", 9L))).isEqualTo(wire.event(state, "s1", 9L))
        .contains("\"token\":12");
    assertThat(streamedEvent(out -> wire.writeEvent(out, state, "s2", 9L))).isEqualTo(wire.event(state, "s2", 9L))
        .doesNotContain("token");
    assertThat(streamedEvent(out -> wire.writeEvent(out, changed, "s2", 9L))).isEqualTo(wire.event(changed, "s2", 9L));
    assertThat(streamed(out -> wire.writeMessage(out, "h", "heartbeat.ack", 3L, Map.of("locks", List.of(lease)))))
        .isEqualTo(wire.message("h", "heartbeat.ack", 3L, Map.of("locks", List.of(lease))));
  }

  @Test
  void anEventNotForClientsWritesNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThat(wire.writeEvent(out, new SessionEnded("s1", "smith", LeaveReason.BYE), "s1", 1L)).isFalse();
    assertThat(out.size()).isZero();
  }

  private interface Encoder {
    void write(ByteArrayOutputStream out);
  }

  private interface EventEncoder {
    boolean write(ByteArrayOutputStream out);
  }

  private static String streamedEvent(EventEncoder encoder) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(encoder.write(out)).isTrue();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String streamed(Encoder encoder) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder.write(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
