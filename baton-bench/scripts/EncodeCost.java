import dev.baton.core.event.LockStateChanged;
import dev.baton.core.model.Holder;
import dev.baton.core.model.LockState;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.protocol.Wire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Allocation and time to turn one {@code lock.state} event into frames for 1,000 recipients, the way
 * session 1 did it (one {@code Wire.event} per recipient, then {@code writeTextMessage}'s UTF-8 copy and
 * frame) against encoding each copy once and giving every recipient a slice of the same buffer
 * ({@code EventFrames} and {@code TextFrames}). Sockets are left out: only the encoding differs. Run
 * (single-file source): {@code java -cp baton-server/target/baton.jar baton-bench/scripts/EncodeCost.java}.
 */
public class EncodeCost {
  static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static long sink;

  public static void main(String[] a) {
    Wire wire = new Wire();
    LockState held = new LockState(new Holder("smith", "Dr. Smith", "s-0"), 4711L, 1L, 2L, 1L, false, 0, null);
    LockStateChanged e = new LockStateChanged(ResourceId.parse("operation-report:42:diagnosis"), held);
    int n = 1000, rounds = 2000;
    for (int w = 0; w < 3; w++) {
      long b0 = MX.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < n; i++) { // before: Wire.event per recipient, then writeTextMessage's getBytes + frame
          byte[] bytes = wire.event(e, "s-" + (i % 8), 1L).getBytes(StandardCharsets.UTF_8);
          sink += new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true).binaryData().length();
        }
      }
      long b1 = MX.getCurrentThreadAllocatedBytes(), t1 = System.nanoTime();
      for (int r = 0; r < rounds; r++) { // after: two copies encoded once, a slice and a frame per recipient
        Buffer holder = Buffer.buffer(wire.event(e, "s-0", 1L));
        Buffer others = Buffer.buffer(wire.event(e, "s-1", 1L));
        for (int i = 0; i < n; i++) {
          Buffer b = Wire.isHoldersCopy(e, "s-" + (i % 8)) ? holder : others;
          sink += new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) b).getByteBuf(), true).binaryData().length();
        }
      }
      long b2 = MX.getCurrentThreadAllocatedBytes(), t2 = System.nanoTime();
      System.out.printf("round %d: per recipient %,d B and %.1f us per event to %d; once %,d B and %.1f us%n", w,
          (b1 - b0) / rounds, (t1 - t0) / 1e3 / rounds, n, (b2 - b1) / rounds, (t2 - t1) / 1e3 / rounds);
    }
  }
}
