package dev.baton.redis;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every Redis key and channel name of the Redis store, built from the configured prefix {@code p}
 * (docs/redis-design.md, "Keys"). All state of a document {@code type:id} carries the Cluster hash
 * tag {@code {type:id}}, all session state the tag {@code {sessions}}, so that each script touches
 * one slot.
 *
 * <p>The keys that gather several documents ({@link #due}, {@link #locksHeld}) take the document
 * they are used for: one key each on standalone and Sentinel ({@code p:due}, {@code p:locks}); on a
 * Redis Cluster ({@link #cluster}) one per hash slot, {@code p:{<tag>}:due} and {@code
 * p:{<tag>}:locks}, whose tag ({@link ClusterSlots#tag}) falls in the document's slot, so that a
 * document script declares only keys of its own slot.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisKeys {

  /** What {@code redis.keyPrefix} may be: no braces, so that it cannot break a hash tag. */
  public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private final String prefix;
  private final boolean cluster;

  /**
   * The keys of a standalone or Sentinel deployment.
   *
   * @param prefix the key prefix, e.g. {@code baton}
   * @throws IllegalArgumentException if the prefix does not match {@link #PREFIX}
   */
  public RedisKeys(String prefix) {
    this(prefix, false);
  }

  private RedisKeys(String prefix, boolean cluster) {
    Objects.requireNonNull(prefix, "prefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "redis.keyPrefix '" + prefix + "' must match " + PREFIX.pattern());
    }
    this.prefix = prefix;
    this.cluster = cluster;
  }

  /**
   * The keys of a Redis Cluster deployment: per-slot deadline sets and lock counters.
   *
   * @throws IllegalArgumentException if the prefix does not match {@link #PREFIX}
   */
  public static RedisKeys cluster(String prefix) {
    return new RedisKeys(prefix, true);
  }

  /** Whether this is the Redis Cluster layout. */
  public boolean clustered() {
    return cluster;
  }

  /** The prefix, without the separating colon. */
  public String prefix() {
    return prefix;
  }

  // ---------------------------------------------------------------- documents ({type:id})

  /** {@code p:{type:id}:doc}: the document's state but its member records, JSON. */
  public String document(String documentId) {
    return tagged(documentId) + ":doc";
  }

  /** {@code p:{type:id}:members}: hash of {@code child|sessionId} to member record, JSON. */
  public String members(String documentId) {
    return tagged(documentId) + ":members";
  }

  /** {@code p:{type:id}:fence}: the document's fencing counter, an integer without TTL. */
  public String fence(String documentId) {
    return tagged(documentId) + ":fence";
  }

  /** {@code p:{type:id}:events}: the channel of the document's events, {@code {seq, events}}. */
  public String events(String documentId) {
    return tagged(documentId) + ":events";
  }

  /**
   * The sorted set of documents by next deadline (microseconds) that the sweeper reads: {@code
   * p:due} on standalone and Sentinel, {@code p:{<tag>}:due} of the document's slot on a Cluster.
   */
  public String due(String documentId) {
    return cluster ? dueOfSlot(ClusterSlots.slot(documentId)) : due();
  }

  /** The one deadline set of a standalone or Sentinel deployment. */
  public String due() {
    return prefix + ":due";
  }

  /** The deadline set of the documents of one Cluster hash slot, {@code p:{<tag>}:due}. */
  public String dueOfSlot(int slot) {
    return slotPrefix(slot) + "}:due";
  }

  /**
   * The full-scan lease of the master serving {@code slot}, {@code p:{<tag>}:fullscan} (a Cluster's
   * sweepers share one full scan per master per lease; see {@code due_slots.lua}).
   */
  public String fullScanLease(int slot) {
    return slotPrefix(slot) + "}:fullscan";
  }

  /** The counter of locks held, for {@code stats()}: {@code p:locks}, or the slot's on a Cluster. */
  public String locksHeld(String documentId) {
    return cluster ? locksOfSlot(ClusterSlots.slot(documentId)) : locksHeld();
  }

  /** The one lock counter of a standalone or Sentinel deployment. */
  public String locksHeld() {
    return prefix + ":locks";
  }

  /** The counter of locks held in the documents of one Cluster hash slot, {@code p:{<tag>}:locks}. */
  public String locksOfSlot(int slot) {
    return slotPrefix(slot) + "}:locks";
  }

  /** The start of a slot's key names: the prefix, a colon, an opening brace and the slot's tag. */
  private String slotPrefix(int slot) {
    return prefix + ":{" + ClusterSlots.tag(slot);
  }

  /** {@code p:user-locks:<userId>}: the resources a user may hold, a hint that locksOf verifies. */
  public String userLocks(String userId) {
    return userLocksPrefix() + userId;
  }

  /** {@code p:user-locks:}, completed with a user id inside the scripts. */
  public String userLocksPrefix() {
    return prefix + ":user-locks:";
  }

  // ---------------------------------------------------------------- sessions ({sessions})

  /** {@code p:{sessions}:s:<sessionId>}: one session, JSON. */
  public String session(String sessionId) {
    return sessionPrefix() + sessionId;
  }

  /** {@code p:{sessions}:s:}, completed with a session id inside the scripts. */
  public String sessionPrefix() {
    return prefix + ":{sessions}:s:";
  }

  /** {@code p:{sessions}:resume}: hash of resume-token SHA-256 to session id. */
  public String resumeIndex() {
    return prefix + ":{sessions}:resume";
  }

  /** {@code p:{sessions}:away}: away sessions by when the sweeper must look at them (microseconds). */
  public String away() {
    return prefix + ":{sessions}:away";
  }

  /** {@code p:{sessions}:node:<nodeId>}: the sessions attached to a node. */
  public String nodeSessions(String nodeId) {
    return nodeSessionsPrefix() + nodeId;
  }

  /** {@code p:{sessions}:node:}, completed with a node id inside the scripts. */
  public String nodeSessionsPrefix() {
    return prefix + ":{sessions}:node:";
  }

  /** {@code p:{sessions}:user:<userId>}: the sessions of one user, for the sessions-per-user limit. */
  public String userSessions(String userId) {
    return prefix + ":{sessions}:user:" + userId;
  }

  /** {@code p:{sessions}:nodes}: node id by its last heartbeat (microseconds). */
  public String nodes() {
    return prefix + ":{sessions}:nodes";
  }

  /**
   * {@code p:{sessions}:down:<nodeId>}: set (for a day) when another node declared {@code nodeId}
   * dead, so that the node, if it was only cut off, learns it at its next heartbeat.
   */
  public String nodeDown(String nodeId) {
    return prefix + ":{sessions}:down:" + nodeId;
  }

  /** {@code p:node:<nodeId>}: the channel of events for one node (a session attached elsewhere). */
  public String nodeChannel(String nodeId) {
    return nodeChannelPrefix() + nodeId;
  }

  /** {@code p:node:}, completed with a node id inside the scripts. */
  public String nodeChannelPrefix() {
    return prefix + ":node:";
  }

  private String tagged(String documentId) {
    return prefix + ":{" + documentId + "}";
  }

  @Override
  public String toString() {
    return "RedisKeys[" + prefix + (cluster ? ", cluster" : "") + "]";
  }
}
