package dev.baton.redis;

/**
 * What the {@link RedisStore} tells its node about node liveness, found during {@link
 * RedisStore#sweep}. Called on the {@link RedisLink}'s thread; implementations must only hand on
 * (log, schedule), never block or call the store.
 */
public interface NodeListener {

  /** Tells nobody anything. */
  NodeListener NONE = new NodeListener() {};

  /**
   * Another node found this node's heartbeat older than the node timeout (a long pause, a network
   * partition from Redis) and set the sessions attached here away, their grace running. The node
   * should close its connections so that their clients resume (here or elsewhere) within that grace.
   */
  default void declaredDead() {}

  /**
   * This node found node {@code nodeId} silent for longer than the node timeout and set its {@code
   * sessions} attached sessions away (they end with reason {@code expired} unless they resume within
   * their grace).
   */
  default void declaredDead(String nodeId, int sessions) {}
}
