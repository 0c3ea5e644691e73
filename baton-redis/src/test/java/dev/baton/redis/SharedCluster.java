package dev.baton.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RedisCluster} per test class, as a JUnit 5 extension registered on a static field
 * ({@code @RegisterExtension static final SharedCluster cluster = new SharedCluster();}): started
 * before the class's {@code @BeforeAll} methods, closed after its {@code @AfterAll} methods. Tests give
 * themselves their own key prefix.
 *
 * <p>Not thread-safe: JUnit calls it from one thread.
 */
public final class SharedCluster implements BeforeAllCallback, AfterAllCallback {

  private RedisCluster cluster;

  /** The running cluster (null outside the class's run). */
  public RedisCluster get() {
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = RedisCluster.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
