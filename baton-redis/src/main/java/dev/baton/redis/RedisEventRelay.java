package dev.baton.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.engine.Hub;
import dev.baton.core.event.Event;
import dev.baton.core.event.EventSink;
import dev.baton.core.event.LockStateChanged;
import dev.baton.core.event.SessionAttached;
import dev.baton.core.event.SessionEvent;
import dev.baton.core.model.ResourceState;
import dev.baton.core.resource.ResourceId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges this node's events with those of the other nodes sharing the Redis, document by document,
 * into one ordered stream for the node's {@link Hub}.
 *
 * <p><b>What it listens to.</b> A dedicated pub/sub connection (reconnecting by itself) subscribes to
 * this node's channel {@code p:node:<nodeId>} and to the event channel {@code p:{type:id}:events} of
 * every document that has a member on this node: the hub tells it ({@link Hub.Listener}) when a
 * document gets its first local member and when it loses its last one.
 *
 * <p><b>One order per document.</b> Every document script publishes its events with the document's
 * sequence number {@code seq} (1, 2, 3 … in the order Redis ran the scripts) and the id of the node
 * that ran it. This node's own batches arrive twice, once in the script's reply ({@link #accept}, from
 * the {@link RedisStore}) and once on the channel; other nodes' batches arrive on the channel only.
 * Whichever copy comes first is handed on, the other dropped ({@code seq} at most the last one handed
 * on). A batch that comes early (its predecessor, another node's, is still on its way on the channel)
 * is held until the predecessor arrives, so every connection sees a document's events in commit
 * order; the operation that caused it completes only then, so its client still gets the events
 * before the reply. If the predecessor does not arrive within {@link #GAP_WAIT_MS}, or the channel
 * was not subscribed when batches passed (a subscription just starting, a pub/sub reconnect), the
 * document is <b>resynchronized</b>: its state is read ({@code snapshot.lua}, no side effects) and
 * each local member gets a {@code presence} snapshot and a fresh {@code lock.state}
 * ({@link Hub#resync}); session events of the batches in between are still delivered.
 *
 * <p><b>Audit.</b> Batches this node ran (by the origin in the message, or the reply) go to {@code
 * own} (the auditing sink in front of the hub: each node records what it committed, once, whichever
 * copy arrives first); other nodes' batches go to {@code observer} (the auditing sink's bookkeeping)
 * and then straight to the hub, never recorded twice.
 *
 * <p><b>Sessions elsewhere.</b> A {@code session.attached} on the node channel (a session of this node
 * was resumed on another node), and every {@link #RECONCILE_INTERVAL_MS} and after a pub/sub
 * reconnect a reconciliation with Redis ({@link RedisStore#reconcile}), close the local connection of
 * a session that Redis shows attached elsewhere (close code 4009), after checking Redis; a session
 * that Redis no longer has at all (Redis lost its data) is closed as {@link SessionAttached#LOST}.
 *
 * <p><b>Health.</b> {@link #connected()} is false while the pub/sub connection is down; every second
 * the node publishes a ping on its own channel through the store's link, and a subscription that
 * does not hear it (or that Redis reports has no subscriber) is dropped and reconnected.
 *
 * <p><b>Redis Cluster</b> ({@link RedisKeys#clustered()}): document channels are sharded ({@code
 * SPUBLISH} by the scripts, {@code SSUBSCRIBE}/{@code SUNSUBSCRIBE} here), so a document's events
 * only travel to the master of its slot; the pub/sub connection is the Vert.x cluster connection
 * (one connection per master, each subscription sent to the master of its channel's slot). The node
 * channel stays classic pub/sub ({@code PUBLISH} reaches every node of the Cluster), so a session
 * script may publish on it whatever slot it runs in. When a slot moves (resharding, failover), Redis
 * drops its sharded subscriptions with a {@code sunsubscribe} this node did not ask for: the relay
 * then reconnects, subscribes again (on the new owner) and resynchronizes, as after any reconnect.
 *
 * <p><b>Threads.</b> Everything runs on the {@link RedisLink}'s thread (the pub/sub connection is
 * opened from it, so its messages arrive there too); {@link #localMembersChanged} and {@link #close}
 * may be called from any thread.
 */
public final class RedisEventRelay implements BatchSink, Hub.Listener, AutoCloseable {

  /** How long a batch waits for its predecessor on the channel before the document is resynchronized. */
  public static final long GAP_WAIT_MS = 250;
  /** First and longest delay before reconnecting the pub/sub connection (doubling in between). */
  static final long RECONNECT_MIN_MS = 50;
  static final long RECONNECT_MAX_MS = 2000;
  /** How often this node checks its view of its sessions against Redis ({@link RedisStore#reconcile}). */
  public static final long RECONCILE_INTERVAL_MS = 10_000;
  /** How often the node pings itself through its channel. */
  static final long PING_INTERVAL_MS = 1000;
  /** How long to wait before retrying a resync that failed (Redis unreachable). */
  static final long RESYNC_RETRY_MS = 1000;
  /** The connection id of a session event that tells a local connection its session is elsewhere. */
  static final String ELSEWHERE = "elsewhere";
  /** At most this many passed-over sequence numbers are remembered per document. */
  static final int MAX_UNSEEN = 1000;

  private static final String PING = "{\"events\":[],\"ping\":true}";
  private static final String CHANNEL_SUFFIX = "}:events";

  private final Vertx vertx;
  private final RedisOptions options;
  private final RedisLink link;
  private final RedisKeys keys;
  private final String nodeId;
  private final Hub hub;
  private final EventSink own;
  private final EventSink observer;
  private final RedisEventCodec codec = new RedisEventCodec(new ObjectMapper());
  private final String nodeChannel;
  private final String channelPrefix;
  private final boolean sharded;
  private final Command subscribeDocument;
  private final Command unsubscribeDocument;

  private volatile Thread thread;
  private volatile boolean connected;

  // Only touched on the link's thread.
  private RedisStore store;
  private final Map<String, Doc> docs = new HashMap<>();
  private final Map<String, Integer> unconfirmed = new HashMap<>();
  /** Sharded unsubscriptions this node asked for and whose confirmation has not come yet. */
  private final Map<String, Integer> leaving = new HashMap<>();
  private Redis client;
  private RedisConnection pubsub;
  private boolean connecting;
  private boolean nodeSubscribed;
  private boolean closed;
  private long backoff = RECONNECT_MIN_MS;
  private long lastHeardNanos;
  private final List<Long> timers = new ArrayList<>();
  private String deliveringDocument;
  private long deliveringSeq;

  /** A document with local members: what was handed on, what waits. */
  private static final class Doc {
    final String id;
    final String channel;
    /** The highest sequence number handed on; -1 while unknown. */
    long last = -1;
    /** SUBSCRIBE confirmed on the current pub/sub connection: the channel brings every later batch. */
    boolean subscribed;
    /** Batches were handed on that may leave a hole: resynchronize once subscribed. */
    boolean dirty;
    boolean resyncing;
    final TreeMap<Long, Held> held = new TreeMap<>();
    /**
     * Numbers at or below {@code last} that were passed over without being handed on (a hole handed
     * past while unsubscribed, or covered by a resync's snapshot): if such a batch still arrives, its
     * session events are delivered late (a {@code lock.revoked} must reach its holder).
     */
    final TreeSet<Long> unseen = new TreeSet<>();
    long gapTimer = -1;

    Doc(String id, String channel) {
      this.id = id;
      this.channel = channel;
    }
  }

  /** A batch waiting for its predecessors, and the operations waiting for it. */
  private static final class Held {
    final List<Event> events;
    boolean own;
    final List<Promise<Void>> waiting = new ArrayList<>(1);

    Held(List<Event> events) {
      this.events = events;
    }
  }

  /**
   * @param vertx opens the pub/sub connection
   * @param options where Redis is (the same as the store's link)
   * @param link the store's link: the relay runs on its thread
   * @param keys channel names
   * @param nodeId this node's id (as given to the store)
   * @param hub this node's connections; it must call {@link #localMembersChanged}
   * @param own receives this node's events: the auditing sink in front of {@code hub}
   * @param observer receives other nodes' events before the hub does (the auditing sink's
   *     bookkeeping), and the lock states read to resynchronize
   */
  public RedisEventRelay(Vertx vertx, RedisOptions options, RedisLink link, RedisKeys keys, String nodeId, Hub hub,
      EventSink own, EventSink observer) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = new RedisOptions(Objects.requireNonNull(options, "options"));
    this.link = Objects.requireNonNull(link, "link");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.hub = Objects.requireNonNull(hub, "hub");
    this.own = Objects.requireNonNull(own, "own");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.nodeChannel = keys.nodeChannel(nodeId);
    String sample = keys.events("t:i");
    this.channelPrefix = sample.substring(0, sample.length() - "t:i".length() - CHANNEL_SUFFIX.length());
    this.sharded = keys.clustered();
    this.subscribeDocument = sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE;
    this.unsubscribeDocument = sharded ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE;
  }

  /**
   * Opens the pub/sub connection and starts the periodic checks. {@code store} must have been built
   * with this relay as its sink.
   */
  public void start(RedisStore store) {
    Objects.requireNonNull(store, "store");
    link.execute(() -> {
      this.store = store;
      this.thread = Thread.currentThread();
      timers.add(vertx.setPeriodic(RECONCILE_INTERVAL_MS, id -> reconcile()));
      timers.add(vertx.setPeriodic(PING_INTERVAL_MS, id -> ping()));
      connect();
    });
  }

  /**
   * Whether the pub/sub connection is up and subscribed to this node's channel: without it, other
   * nodes' events do not reach this node's clients. For readiness.
   */
  public boolean connected() {
    return connected;
  }

  /** Closes the pub/sub connection and stops the checks; what waits is handed on. Idempotent. */
  @Override
  public void close() {
    link.execute(() -> {
      if (closed) {
        return;
      }
      closed = true;
      connected = false;
      timers.forEach(vertx::cancelTimer);
      for (Doc d : docs.values()) {
        cancelGapTimer(d);
        flush(d);
      }
      docs.clear();
      pubsub = null;
      if (client != null) {
        client.close();
        client = null;
      }
    });
  }

  // ---------------------------------------------------------------- this node's batches

  @Override
  public Future<Void> accept(String documentId, long seq, List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (documentId == null) {
      publish(events, true);
      return Future.succeededFuture();
    }
    Doc d = docs.get(documentId);
    if (d == null) {
      deliveringDocument = documentId;
      deliveringSeq = seq;
      try {
        publish(events, true);
      } finally {
        deliveringDocument = null;
      }
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    offer(d, seq, events, true, done);
    return done.future();
  }

  // ---------------------------------------------------------------- local members

  @Override
  public void localMembersChanged(String documentId) {
    if (Thread.currentThread() == thread && documentId.equals(deliveringDocument) && !docs.containsKey(documentId)) {
      // A join handed on right now: its batch is where this node starts following the document.
      update(documentId);
    } else {
      link.execute(() -> update(documentId));
    }
  }

  private void update(String documentId) {
    if (closed) {
      return;
    }
    boolean wanted = !hub.localResources(documentId).isEmpty();
    Doc d = docs.get(documentId);
    if (wanted && d == null) {
      d = new Doc(documentId, keys.events(documentId));
      if (documentId.equals(deliveringDocument)) {
        d.last = deliveringSeq;
      }
      docs.put(documentId, d);
      if (pubsub != null) {
        subscribe(d.channel);
      }
    } else if (!wanted && d != null) {
      docs.remove(documentId);
      cancelGapTimer(d);
      flush(d);
      if (pubsub != null) {
        if (sharded) {
          leaving.merge(d.channel, 1, Integer::sum);
        }
        pubsub.send(Request.cmd(unsubscribeDocument).arg(d.channel));
      }
    }
  }

  // ---------------------------------------------------------------- ordering

  private void offer(Doc d, long seq, List<Event> events, boolean fromHere, Promise<Void> done) {
    if (d.last >= 0 && seq <= d.last) {
      if (d.unseen.remove(seq)) {
        late(events, fromHere);
      }
      if (done != null) {
        done.tryComplete();
      }
      return;
    }
    if (d.last < 0 && done == null) {
      // The first batch after this node started following the document came from the channel: a
      // batch of this node before it may be dropped as old, so check once subscribed.
      d.dirty = true;
    }
    Held h = d.held.computeIfAbsent(seq, s -> new Held(events));
    h.own |= fromHere;
    if (done != null) {
      h.waiting.add(done);
    }
    drain(d);
  }

  /** Hands on the held batches that are next in order; waits (with a timer) at a gap. */
  private void drain(Doc d) {
    if (d.resyncing) {
      return;
    }
    while (!d.held.isEmpty()) {
      long s = d.held.firstKey();
      if (d.last >= 0 && s != d.last + 1) {
        if (d.subscribed) {
          break; // the channel brings what is missing
        }
        d.dirty = true; // nothing will: hand on, resynchronize once subscribed
        passOver(d, d.last + 1, s - 1);
      }
      handOn(d, s, d.held.pollFirstEntry().getValue());
    }
    if (d.held.isEmpty()) {
      cancelGapTimer(d);
    } else if (d.gapTimer < 0) {
      d.gapTimer = vertx.setTimer(GAP_WAIT_MS, id -> onThread(() -> {
        d.gapTimer = -1;
        if (docs.get(d.id) == d && !d.held.isEmpty()) {
          resync(d);
        }
      }));
    }
  }

  /** Hands on everything held, in order, holes and all. */
  private void flush(Doc d) {
    while (!d.held.isEmpty()) {
      long s = d.held.firstKey();
      handOn(d, s, d.held.pollFirstEntry().getValue());
    }
  }

  private void handOn(Doc d, long seq, Held h) {
    d.last = Math.max(d.last, seq);
    deliveringDocument = d.id;
    deliveringSeq = seq;
    try {
      publish(h.events, h.own);
    } finally {
      deliveringDocument = null;
    }
    for (Promise<Void> p : h.waiting) {
      p.tryComplete();
    }
  }

  /** Remembers {@code from..to} as passed over (see {@link Doc#unseen}), keeping the set bounded. */
  private static void passOver(Doc d, long from, long to) {
    for (long s = Math.max(from, to - MAX_UNSEEN + 1); s <= to; s++) {
      d.unseen.add(s);
    }
    while (d.unseen.size() > MAX_UNSEEN) {
      d.unseen.pollFirst();
    }
  }

  /**
   * A batch that arrives after the document was handed on past it: its resource events are stale (a
   * snapshot or later events superseded them) and are dropped; its session events still go to their
   * sessions, recorded if this node ran the script.
   */
  private void late(List<Event> events, boolean fromHere) {
    List<Event> sessionEvents = new ArrayList<>();
    for (Event e : events) {
      if (e instanceof SessionEvent) {
        sessionEvents.add(e);
      }
    }
    publish(sessionEvents, fromHere);
  }

  private void publish(List<Event> events, boolean fromHere) {
    for (Event e : events) {
      if (fromHere) {
        own.publish(e);
      } else {
        observer.publish(e);
        hub.publish(e);
      }
    }
  }

  private void cancelGapTimer(Doc d) {
    if (d.gapTimer >= 0) {
      vertx.cancelTimer(d.gapTimer);
      d.gapTimer = -1;
    }
  }

  // ---------------------------------------------------------------- resync

  /**
   * Reads the document's current state and sequence number; hands on the batches up to it; pushes the
   * state to the local members if anything may have been missed; continues after it.
   */
  private void resync(Doc d) {
    if (d.resyncing || closed || store == null) {
      return;
    }
    d.resyncing = true;
    cancelGapTimer(d);
    List<String> children = hub.localResources(d.id).stream().map(ResourceId::child).sorted().toList();
    store.snapshot(d.id, children).onComplete(ar -> onThread(() -> {
      d.resyncing = false;
      if (docs.get(d.id) != d) {
        flush(d);
        return;
      }
      if (ar.failed()) {
        d.dirty = true;
        flush(d);
        vertx.setTimer(RESYNC_RETRY_MS, id -> onThread(() -> {
          if (docs.get(d.id) == d && d.subscribed && d.dirty) {
            resync(d);
          }
        }));
        return;
      }
      RedisStore.Snapshot snapshot = ar.result();
      boolean missed = d.dirty || d.last < 0;
      long expect = d.last + 1;
      while (!d.held.isEmpty() && d.held.firstKey() <= snapshot.seq()) {
        long s = d.held.firstKey();
        if (s != expect) {
          missed = true;
          if (d.last >= 0) {
            passOver(d, expect, s - 1);
          }
        }
        expect = s + 1;
        handOn(d, s, d.held.pollFirstEntry().getValue());
      }
      if (expect <= snapshot.seq()) {
        // Batches up to the snapshot that have not arrived (yet): the snapshot stands for them.
        missed = true;
        if (d.last >= 0) {
          passOver(d, expect, snapshot.seq());
        }
      }
      for (ResourceState view : snapshot.views()) {
        observer.publish(new LockStateChanged(view.resource(), view.lock()));
        if (missed) {
          hub.resync(view);
        }
      }
      d.last = Math.max(d.last, snapshot.seq());
      d.dirty = false;
      drain(d);
    }));
  }

  // ---------------------------------------------------------------- pub/sub

  private void connect() {
    if (closed || connecting || pubsub != null) {
      return;
    }
    connecting = true;
    Redis c = Redis.createClient(vertx, options);
    c.connect().onComplete(ar -> onThread(() -> {
      connecting = false;
      if (closed || ar.failed()) {
        c.close();
        if (!closed) {
          reconnectLater();
        }
        return;
      }
      RedisConnection conn = ar.result();
      client = c;
      pubsub = conn;
      backoff = RECONNECT_MIN_MS;
      lastHeardNanos = System.nanoTime();
      conn.handler(m -> onThread(() -> onPush(conn, m)));
      conn.exceptionHandler(t -> onThread(() -> lost(conn)));
      conn.endHandler(v -> onThread(() -> lost(conn)));
      unconfirmed.clear();
      leaving.clear();
      send(conn, Request.cmd(Command.SUBSCRIBE).arg(nodeChannel));
      for (Doc d : docs.values()) {
        subscribe(d.channel);
      }
    }));
  }

  private void reconnectLater() {
    long delay = backoff;
    backoff = Math.min(RECONNECT_MAX_MS, backoff * 2);
    vertx.setTimer(delay, id -> onThread(this::connect));
  }

  private void subscribe(String channel) {
    unconfirmed.merge(channel, 1, Integer::sum);
    send(pubsub, Request.cmd(subscribeDocument).arg(channel));
  }

  private void send(RedisConnection conn, Request request) {
    conn.send(request).onFailure(t -> onThread(() -> lost(conn)));
  }

  private void lost(RedisConnection conn) {
    if (conn != pubsub) {
      return;
    }
    pubsub = null;
    connected = false;
    nodeSubscribed = false;
    unconfirmed.clear();
    leaving.clear();
    if (client != null) {
      client.close();
      client = null;
    }
    for (Doc d : docs.values()) {
      d.subscribed = false;
      drain(d); // nothing comes from the channel now: hand on what waits
    }
    reconnectLater();
  }

  private void onPush(RedisConnection conn, Response m) {
    if (conn != pubsub || m == null) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    if ((m.type() != ResponseType.PUSH && m.type() != ResponseType.MULTI) || m.size() < 2) {
      return;
    }
    String kind = m.get(0).toString();
    String channel = m.get(1).toString();
    if (("message".equals(kind) || "smessage".equals(kind)) && m.size() >= 3) {
      onMessage(channel, m.get(2).toString());
    } else if ("subscribe".equals(kind) || "ssubscribe".equals(kind)) {
      confirmed(channel);
    } else if ("sunsubscribe".equals(kind)) {
      unsubscribed(conn, channel);
    }
  }

  /**
   * A sharded subscription ended: as asked, or because its slot moved to another master (then the
   * channel is still wanted, and the connection starts over: subscribe on the new owner, resync).
   */
  private void unsubscribed(RedisConnection conn, String channel) {
    Integer asked = leaving.merge(channel, -1, Integer::sum);
    if (asked != null && asked >= 0) {
      if (asked == 0) {
        leaving.remove(channel);
      }
      return;
    }
    leaving.remove(channel);
    Doc d = docs.get(documentOf(channel));
    if (d != null && d.channel.equals(channel)) {
      lost(conn);
    }
  }

  private void confirmed(String channel) {
    if (channel.equals(nodeChannel)) {
      nodeSubscribed = true;
      connected = true;
      reconcile(); // a resume elsewhere may have been missed while unsubscribed
      return;
    }
    Integer left = unconfirmed.merge(channel, -1, Integer::sum);
    if (left != null && left > 0) {
      return;
    }
    unconfirmed.remove(channel);
    Doc d = docs.get(documentOf(channel));
    if (d != null) {
      d.subscribed = true;
      resync(d); // what passed before the subscription took effect (usually nothing: no push)
    }
  }

  private void onMessage(String channel, String payload) {
    RedisEventCodec.Batch batch;
    try {
      batch = codec.decodeBatch(payload);
    } catch (IllegalArgumentException e) {
      return; // not ours (a foreign publisher on our channel names): nothing to hand on
    }
    if (channel.equals(nodeChannel)) {
      for (Event e : batch.events()) {
        if (e instanceof SessionAttached a) {
          verify(a.sessionId());
        }
      }
      return;
    }
    Doc d = docs.get(documentOf(channel));
    if (d != null) {
      // Messages flow, so the channel fills holes: never hand on past one (an own reply may fill it).
      d.subscribed = true;
      offer(d, batch.seq(), batch.events(), nodeId.equals(batch.origin()), null);
    }
  }

  private String documentOf(String channel) {
    if (!channel.startsWith(channelPrefix) || !channel.endsWith(CHANNEL_SUFFIX)) {
      return "";
    }
    return channel.substring(channelPrefix.length(), channel.length() - CHANNEL_SUFFIX.length());
  }

  /** Pings this node's channel through the store's link; a subscription that misses it is dropped. */
  private void ping() {
    RedisConnection conn = pubsub;
    if (closed || conn == null || !nodeSubscribed) {
      return;
    }
    if (System.nanoTime() - lastHeardNanos > 3 * PING_INTERVAL_MS * 1_000_000L) {
      lost(conn);
      return;
    }
    link.send(Request.cmd(Command.PUBLISH).arg(nodeChannel).arg(PING)).onComplete(ar -> onThread(() -> {
      // On a Cluster the count is of the receiving node's subscribers only: the silence check decides.
      if (!sharded && ar.succeeded() && ar.result() != null && ar.result().toLong() == 0 && conn == pubsub
          && nodeSubscribed) {
        lost(conn); // Redis knows no subscriber of ours: the subscription is gone
      }
    }));
  }

  // ---------------------------------------------------------------- sessions attached elsewhere

  /**
   * Closes the local connection of {@code sessionId} if Redis shows the session elsewhere (4009: it was
   * resumed there) or not at all ({@link SessionAttached#LOST}: Redis lost it, the client reconnects
   * and opens a new session).
   */
  private void verify(String sessionId) {
    String conn = hub.connectionOf(sessionId);
    if (conn == null || store == null) {
      return;
    }
    store.attachment(sessionId, conn).onSuccess(where -> onThread(() -> {
      if (where != RedisStore.Attachment.HERE && conn.equals(hub.connectionOf(sessionId))) {
        String to = where == RedisStore.Attachment.GONE ? SessionAttached.LOST : ELSEWHERE;
        hub.publish(new SessionAttached(sessionId, to, List.of()));
      }
    }));
  }

  /** Brings Redis in line with this node's connections; each session Redis shows not attached here is {@link #verify}d. */
  private void reconcile() {
    if (closed || store == null) {
      return;
    }
    store.reconcile(hub.attachedConnections()).onSuccess(foreign -> onThread(() -> foreign.forEach(this::verify)));
  }

  private void onThread(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      link.execute(task);
    }
  }

  @Override
  public String toString() {
    return "RedisEventRelay[" + nodeId + ", " + docs.size() + " documents]";
  }
}
