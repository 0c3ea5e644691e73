package dev.baton.bench.jmh;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.Hub;
import dev.baton.core.engine.Roles;
import dev.baton.core.fencing.MemoryFencingCounter;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.store.JoinResult;
import dev.baton.core.store.SessionGrant;
import dev.baton.core.store.memory.MemoryStore;
import dev.baton.core.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on the memory store, through {@link Engine} as the transport calls it, against the
 * {@link FloorLock}. Each benchmark thread has its own session and resources, so the numbers are the
 * cost of the code path (and of the store's one lock under as many threads as JMH runs), not of
 * contention on one resource. Run: {@code java -jar baton-bench/target/benchmarks.jar EngineBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {

  /** One engine and its hub, shared by all threads, as on a node. */
  @State(Scope.Benchmark)
  public static class Node {
    Hub hub;
    Engine engine;

    @Setup(Level.Trial)
    public void start() {
      hub = new Hub();
      Policies policies = Policies.defaults();
      MemoryStore store = new MemoryStore(Clock.system(), policies, new MemoryFencingCounter(0), hub);
      engine = new Engine(store, policies, hub, new Roles("admin", "emergency"));
    }

    SessionGrant open(String user) {
      Principal p = new Principal(user, user, Set.of(), AccessRules.uniform(Access.EDIT));
      CountingSink sink = new CountingSink("c-" + user);
      return join(engine.hello(p, null, sink));
    }
  }

  /** One user's session with a resource of its own and a document with five locked children. */
  @State(Scope.Thread)
  public static class Tab {
    Principal principal;
    String sessionId;
    ResourceId own;
    String ownKey;
    ResourceId held;
    long heldToken;

    @Setup(Level.Trial)
    public void open(Node node) {
      String user = "u" + Thread.currentThread().getId();
      principal = new Principal(user, user, Set.of(), AccessRules.uniform(Access.EDIT));
      sessionId = node.open(user).sessionId();
      own = ResourceId.parse("bench:" + user + ":main");
      ownKey = own.toString();
      join(node.engine.join(principal, sessionId, own, JoinMode.VIEW));
      for (String child : new String[] {"a", "b", "c", "d", "e"}) {
        ResourceId r = ResourceId.parse("held:" + user + ":" + child);
        JoinResult joined = join(node.engine.join(principal, sessionId, r, JoinMode.EDIT));
        held = r;
        heldToken = joined.state().lock().token();
      }
    }
  }

  /** A resource with 100 members, for join/leave fan-out. */
  @State(Scope.Thread)
  public static class Room {
    static final int MEMBERS = 100;
    ResourceId room;
    Principal guest;
    String guestSession;

    @Setup(Level.Trial)
    public void fill(Node node) {
      String tag = "r" + Thread.currentThread().getId();
      room = ResourceId.parse("room:" + tag);
      for (int i = 0; i < MEMBERS; i++) {
        String user = tag + "-m" + i;
        Principal p = new Principal(user, user, Set.of(), AccessRules.uniform(Access.EDIT));
        String sid = node.open(user).sessionId();
        join(node.engine.join(p, sid, room, JoinMode.VIEW));
      }
      guest = new Principal(tag + "-guest", "guest", Set.of(), AccessRules.uniform(Access.EDIT));
      guestSession = node.open(tag + "-guest").sessionId();
    }
  }

  @Benchmark
  public Object acquireRelease(Node node, Tab tab) {
    Object granted = join(node.engine.acquire(tab.principal, tab.sessionId, tab.own, false, false));
    join(node.engine.release(tab.sessionId, tab.own));
    return granted;
  }

  @Benchmark
  public Object renew(Node node, Tab tab) {
    return join(node.engine.renew(tab.sessionId, tab.held, tab.heldToken));
  }

  @Benchmark
  public Object heartbeatFiveLocks(Node node, Tab tab) {
    return join(node.engine.heartbeat(tab.sessionId));
  }

  @Benchmark
  public Object joinLeaveHundredMembers(Node node, Room room) {
    Object joined = join(node.engine.join(room.guest, room.guestSession, room.room, JoinMode.VIEW));
    join(node.engine.leave(room.guestSession, room.room));
    return joined;
  }

  @Benchmark
  public boolean floorAcquireRelease(FloorState floor, Tab tab) {
    boolean granted = floor.lock.acquire(tab.ownKey, tab.sessionId);
    floor.lock.release(tab.ownKey, tab.sessionId);
    return granted;
  }

  /** The floor's table, shared by all threads like the engine's store. */
  @State(Scope.Benchmark)
  public static class FloorState {
    final FloorLock lock = new FloorLock();
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
