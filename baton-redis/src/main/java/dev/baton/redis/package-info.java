/**
 * The Redis store: the {@link dev.baton.core.store.Store} SPI on Redis, for several nodes.
 *
 * <ul>
 *   <li>{@link dev.baton.redis.RedisStore}: the store; one Lua script per operation on the document's
 *       hash tag, the Lua twin of the memory store (scripts in {@code src/main/resources/lua}).
 *   <li>{@link dev.baton.redis.RedisKeys}: every key and channel name, with the configured prefix and
 *       the {@code {type:id}} / {@code {sessions}} hash tags; on a Redis Cluster also per-slot keys,
 *       named with {@link dev.baton.redis.ClusterSlots}' tag of each hash slot.
 *   <li>{@link dev.baton.redis.RedisLink}, {@link dev.baton.redis.SingleConnectionLink}: how commands
 *       reach Redis, in order, over one pipelined connection that reconnects by itself (on a Cluster,
 *       one per master, each command routed by its key's slot).
 *   <li>{@link dev.baton.redis.RedisTime}: Redis {@code TIME} in production, an injected clock in tests.
 *   <li>{@link dev.baton.redis.RedisEventCodec}: the scripts' events (JSON) as the core's records.
 *   <li>{@link dev.baton.redis.RedisEventRelay}: several nodes: merges this node's events with the other
 *       nodes' (pub/sub), document by document in commit order, resynchronizes clients after a gap, and
 *       closes local connections of sessions resumed elsewhere; {@link dev.baton.redis.BatchSink} is how
 *       the store hands it each script's events with their sequence number.
 *   <li>{@link dev.baton.redis.NodeListener}: what the store's heartbeat finds out about node liveness.
 * </ul>
 *
 * <p>Layout, time, events and failure handling: docs/redis-design.md.
 */
package dev.baton.redis;
