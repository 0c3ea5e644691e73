package dev.baton.bench.jmh;

import dev.baton.core.engine.Hub;
import dev.baton.core.fencing.MemoryFencingCounter;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.identity.Principal;
import dev.baton.core.model.JoinMode;
import dev.baton.core.policy.Policies;
import dev.baton.core.resource.ResourceId;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link MemoryStore#sweep} of a node like the load generator's: {@code sessions} connected
 * sessions, each a member of a resource of its own (the idle joined connections), and {@code locks}
 * of them also holding that resource's lock, none due. The sweep runs under the store's one lock, so
 * its time is a stall of every lock operation on the node, {@code 4} times a second at the default
 * {@code store.sweepInterval} of 250 ms. Single-threaded. Run: {@code java -jar
 * baton-bench/target/benchmarks.jar SweepBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SweepBenchmark {

  @Param({"10000"})
  int sessions;

  @Param({"1000"})
  int locks;

  MemoryStore store;

  @Setup(Level.Trial)
  public void fill() {
    Hub hub = new Hub();
    store = new MemoryStore(Clock.system(), Policies.defaults(), new MemoryFencingCounter(0), hub);
    for (int i = 0; i < sessions; i++) {
      String user = "u" + i;
      Principal p = new Principal(user, user, Set.of(), AccessRules.uniform(Access.EDIT));
      CountingSink connection = new CountingSink("c" + i);
      hub.expect(connection);
      String sessionId = join(store.openSession(p, connection.connectionId())).sessionId();
      join(store.join(sessionId, ResourceId.parse("idle:" + user + ":main"),
          i < locks ? JoinMode.EDIT : JoinMode.VIEW, true));
    }
  }

  @Benchmark
  public Object sweep() {
    return join(store.sweep());
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
