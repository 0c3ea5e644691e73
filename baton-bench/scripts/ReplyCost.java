import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.PresenceChanged;
import dev.baton.core.model.Holder;
import dev.baton.core.model.Lease;
import dev.baton.core.model.LockState;
import dev.baton.core.model.Member;
import dev.baton.core.model.MemberStatus;
import dev.baton.core.model.Role;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.protocol.Wire;
import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Bytes allocated to encode the lock path's replies and events, the way session 2 did it (a map
 * message through Jackson to a {@code String}, then its UTF-8 copy: {@code writeTextMessage}'s or
 * {@code Buffer.buffer(String)}'s) against session 3's (streamed into the frame's {@code Buffer}; the
 * lease and resource replies without maps). Sockets are left out. Run (single-file source): {@code java
 * -cp baton-server/target/baton.jar baton-bench/scripts/ReplyCost.java}.
 */
public class ReplyCost {
  static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static long sink;

  /** As the server's ws.BufferOutput: appends to a Vert.x buffer. */
  static final class Out extends OutputStream {
    final Buffer buffer = Buffer.buffer(256);
    @Override public void write(int b) { buffer.appendByte((byte) b); }
    @Override public void write(byte[] b, int off, int len) { buffer.appendBytes(b, off, len); }
  }

  interface Encoding { long run(); }

  public static void main(String[] a) {
    Wire wire = new Wire();
    ResourceId r = ResourceId.parse("operation-report:42:diagnosis");
    Lease lease = new Lease(r, 4711L, 1_790_000_000_123L, 29_999L);
    LockStateChanged state = new LockStateChanged(r,
        new LockState(new Holder("smith", "Dr. Smith", "s-0"), 4711L, 1L, 2L, 1L, false, 0, null));
    PresenceChanged changed = new PresenceChanged(r, 4, new Member("s-0", "smith", "Dr. Smith", Role.EDITOR,
        MemberStatus.ONLINE, 5L));
    Map<String, Encoding> before = new java.util.LinkedHashMap<>();
    Map<String, Encoding> after = new java.util.LinkedHashMap<>();
    before.put("lock.granted reply", () -> wire.message("a1", "lock.granted", 1L, Wire.lease(lease))
        .getBytes(StandardCharsets.UTF_8).length);
    after.put("lock.granted reply", () -> { Out o = new Out(); wire.leaseMessage(o, "a1", "lock.granted", 1L, lease, true); return o.buffer.length(); });
    before.put("lock.released reply", () -> wire.message("a2", "lock.released", 1L, Map.of("resource", r))
        .getBytes(StandardCharsets.UTF_8).length);
    after.put("lock.released reply", () -> { Out o = new Out(); wire.resourceMessage(o, "a2", "lock.released", 1L, r); return o.buffer.length(); });
    before.put("lock.state event (one copy)", () -> Buffer.buffer(wire.event(state, "s-0", 1L)).length());
    after.put("lock.state event (one copy)", () -> { Out o = new Out(); wire.writeEvent(o, state, "s-0", 1L); return o.buffer.length(); });
    before.put("presence.changed event (one copy)", () -> Buffer.buffer(wire.event(changed, "s-1", 1L)).length());
    after.put("presence.changed event (one copy)", () -> { Out o = new Out(); wire.writeEvent(o, changed, "s-1", 1L); return o.buffer.length(); });
    int rounds = 200_000;
    for (int w = 0; w < 3; w++) {
      for (String name : before.keySet()) {
        long b0 = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) { sink += before.get(name).run(); }
        long b1 = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) { sink += after.get(name).run(); }
        long b2 = MX.getCurrentThreadAllocatedBytes();
        System.out.printf("round %d: %-34s before %,6d B  after %,6d B%n", w, name, (b1 - b0) / rounds, (b2 - b1) / rounds);
      }
    }
  }
}
