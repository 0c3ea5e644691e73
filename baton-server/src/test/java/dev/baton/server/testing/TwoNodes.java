package dev.baton.server.testing;

import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two Baton nodes, A and B, on one real Redis ({@link TestRedis}), as a JUnit 5 extension registered
 * on a static field ({@code @RegisterExtension static final TwoNodes<TestServer> nodes =
 * TwoNodes.servers();}): the Redis starts before the class's first test and stops after its last; a
 * test starts the nodes with {@link #start(Consumer)}, under a fresh key prefix, and they are closed
 * after it. The nodes are in-process servers ({@link #servers()}) or separate JVMs ({@link
 * #processes()}); each is built from its own {@link TestServer.Builder} given the same options.
 *
 * <p>Not thread-safe: used from the test's thread.
 *
 * @param <N> the node type
 */
public final class TwoNodes<N extends AutoCloseable> implements BeforeAllCallback, AfterEachCallback,
    AfterAllCallback {

  private final BiFunction<String, TestServer.Builder, N> starter;
  private TestRedis redis;
  private N a;
  private N b;

  private TwoNodes(BiFunction<String, TestServer.Builder, N> starter) {
    this.starter = starter;
  }

  /** Nodes as {@link TestServer}s in this JVM. */
  public static TwoNodes<TestServer> servers() {
    return new TwoNodes<>((name, options) -> options.start());
  }

  /** Nodes as {@link NodeProcess}es, named "A" and "B". */
  public static TwoNodes<NodeProcess> processes() {
    return new TwoNodes<>(NodeProcess::start);
  }

  /**
   * Starts A, then B, on the shared Redis under a fresh prefix, each configured by {@code options}
   * (called once per node, on a builder already pointed at the Redis).
   */
  public void start(Consumer<TestServer.Builder> options) {
    String prefix = TestRedis.newPrefix();
    a = node("A", prefix, options);
    b = node("B", prefix, options);
  }

  private N node(String name, String prefix, Consumer<TestServer.Builder> options) {
    TestServer.Builder builder = TestServer.builder().redis(redis.port(), prefix);
    options.accept(builder);
    return starter.apply(name, builder);
  }

  /** Node A of the running test (null before {@link #start}). */
  public N a() {
    return a;
  }

  /** Node B of the running test (null before {@link #start}). */
  public N b() {
    return b;
  }

  /** The Redis both nodes use, to stop and start it. */
  public TestRedis redis() {
    return redis;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    redis = TestRedis.start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      if (a != null) {
        a.close();
      }
      if (b != null) {
        b.close();
      }
    } finally {
      a = null;
      b = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    redis.close();
  }
}
