package dev.baton.server.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the run: its members' sockets, the documents whose actor it hosts, and
 * for those the open-loop schedule: operations are meant to leave at {@code start + k / rate} (this
 * shard's share of the rate), whether or not earlier ones were answered. At each due time a random
 * idle document gets its next command (random, not round robin: round robin would keep every document
 * at the same point of its cycle, so that one second would carry only acquires and the next only
 * renewals); when every document is busy the due time waits in a backlog and is sent, with its original
 * time, as soon as a document is free.
 *
 * <p>A verticle only to own an event-loop context. Every method except {@link #run} runs on that
 * context; {@link #run} hops onto it.
 */
final class Shard extends VerticleBase {

  /**
   * How often an idle schedule looks for a new phase. While a phase runs, the schedule instead sets a
   * one-shot Netty timer for the exact next due time (sub-millisecond with the native epoll transport;
   * Vert.x timers have whole milliseconds only).
   */
  private static final long WATCH_MS = 10;
  /** The heartbeat timer's period; members are spread over its ticks. */
  private static final long HEARTBEAT_TICK_MS = 200;
  private static final int BACKLOG_CAPACITY = 1 << 18;

  final int id;
  private final int shardCount;
  private final Stats stats;
  private final int connectConcurrency;
  private final long opTimeoutNanos;
  private final List<Member> members = new ArrayList<>();
  private final List<Document> documents = new ArrayList<>();
  /** This shard's share of the total rate: its documents over all documents. */
  private double share;
  private final IdleDocuments idle = new IdleDocuments();
  private final LongRing backlog = new LongRing(BACKLOG_CAPACITY);

  private Phase current;
  private long firstNanos;
  private double intervalNanos;
  private long dueCount;
  private boolean started;
  private boolean timerSet;

  private Iterator<Member> toConnect;
  private int connecting;
  private int unsettled;
  private int failed;
  private Promise<Integer> connected;
  private int open;
  private Promise<Void> allClosed;
  private long heartbeatMs;
  private long heartbeatTick;
  private long scheduleTimer = -1;
  private long heartbeatTimer = -1;
  private long timeoutTimer = -1;

  Shard(int id, int shardCount, Stats stats, int connectConcurrency, long opTimeoutNanos) {
    this.id = id;
    this.shardCount = shardCount;
    this.stats = stats;
    this.connectConcurrency = connectConcurrency;
    this.opTimeoutNanos = opTimeoutNanos;
  }

  /** Adds a member before the run starts (any thread, before {@link #connectAll}). */
  void add(Member m) {
    members.add(m);
  }

  /** Adds a document whose actor lives here (any thread, before {@link #connectAll}). */
  void add(Document d) {
    documents.add(d);
  }

  /** Sets this shard's share of the rate (any thread, before the first phase). */
  void share(double share) {
    this.share = share;
  }

  Context context() {
    return context;
  }

  /** Runs {@code task} on this shard's event loop. */
  void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /** Runs {@code task} on this context after {@code delayMs} milliseconds; call it from this context. */
  void later(long delayMs, Runnable task) {
    vertx.setTimer(delayMs, t -> task.run());
  }

  // ---------------------------------------------------------------- connecting

  /**
   * Connects every member, at most {@code connectConcurrency} handshakes at a time.
   *
   * @return completes with the number of members that failed, once every member is ready or failed
   */
  Future<Integer> connectAll() {
    Promise<Integer> p = Promise.promise();
    run(() -> {
      connected = p;
      unsettled = members.size();
      toConnect = members.iterator();
      if (unsettled == 0) {
        p.complete(0);
        return;
      }
      while (connecting < connectConcurrency && toConnect.hasNext()) {
        connecting++;
        open++;
        toConnect.next().connect();
      }
    });
    return p.future();
  }

  /** A member is ready ({@code ok}) or gave up. */
  void settled(boolean ok) {
    if (!ok) {
      failed++;
    }
    connecting--;
    unsettled--;
    if (toConnect.hasNext()) {
      connecting++;
      open++;
      toConnect.next().connect();
    }
    if (unsettled == 0) {
      connected.tryComplete(failed);
    }
  }

  void heartbeatMs(long ms) {
    if (ms > 0 && (heartbeatMs == 0 || ms < heartbeatMs)) {
      heartbeatMs = ms;
    }
  }

  long heartbeatMs() {
    return heartbeatMs;
  }

  // ---------------------------------------------------------------- running

  /** Starts heartbeats, the schedule and the timeout check; documents start idle. */
  void startTimers() {
    run(() -> {
      if (started) {
        return;
      }
      started = true;
      for (Document d : documents) {
        d.tracker.start();
        idle.add(d);
      }
      scheduleTimer = vertx.setPeriodic(WATCH_MS, t -> {
        if (!timerSet) {
          tick();
        }
      });
      if (heartbeatMs > 0) {
        long slices = Math.max(1, heartbeatMs / HEARTBEAT_TICK_MS);
        heartbeatTimer = vertx.setPeriodic(HEARTBEAT_TICK_MS, t -> heartbeats(slices));
      }
      timeoutTimer = vertx.setPeriodic(1000, t -> expire());
    });
  }

  /** Sends the operations that are due, in order of their intended times. */
  private void tick() {
    Phase p = stats.phase();
    if (p != current) {
      switchTo(p);
    }
    if (p == null || documents.isEmpty() || share <= 0) {
      return;
    }
    long now = System.nanoTime();
    while (true) {
      long due = firstNanos + (long) (dueCount * intervalNanos);
      if (due - p.endNanos() >= 0) {
        return;
      }
      if (due - now > 0) {
        wakeAt(due - now);
        return;
      }
      dueCount++;
      Document d = idle.poll();
      if (d != null) {
        d.issue(due);
      } else if (backlog.offer(due)) {
        stats.backlog.increment();
      } else {
        stats.error("schedule", "BACKLOG_OVERFLOW");
      }
    }
  }

  /** Runs {@link #tick} on this context in {@code delayNanos}, on Netty's timer (nanosecond API). */
  private void wakeAt(long delayNanos) {
    if (timerSet) {
      return;
    }
    timerSet = true;
    ContextInternal ctx = (ContextInternal) context;
    ctx.nettyEventLoop().schedule(() -> ctx.dispatch(() -> {
      timerSet = false;
      tick();
    }), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void switchTo(Phase p) {
    if (!backlog.isEmpty()) {
      for (int i = backlog.size(); i > 0; i--) {
        stats.error("schedule", "NOT_SENT");
        stats.backlog.decrement();
      }
      backlog.clear();
    }
    current = p;
    if (p != null && share > 0) {
      intervalNanos = 1e9 / (p.rate() * share);
      // shards start at different offsets so that their sends interleave
      firstNanos = p.startNanos() + (long) (intervalNanos * id / shardCount);
      dueCount = 0;
    }
  }

  /** A document's command was answered: it takes the oldest waiting due time, or waits for one. */
  void ready(Document d) {
    if (d.dead()) {
      return;
    }
    if (!backlog.isEmpty()) {
      stats.backlog.decrement();
      d.issue(backlog.poll());
    } else {
      idle.add(d);
    }
  }

  private void heartbeats(long slices) {
    int slice = (int) (heartbeatTick++ % slices);
    for (int i = slice; i < members.size(); i += (int) slices) {
      members.get(i).heartbeat();
    }
  }

  private void expire() {
    long now = System.nanoTime();
    for (Document d : documents) {
      d.expire(now, opTimeoutNanos);
    }
  }

  // ---------------------------------------------------------------- closing

  /**
   * Stops the timers and says {@code bye} on every connection.
   *
   * @return completes when every socket of this shard is closed
   */
  Future<Void> byeAll() {
    Promise<Void> p = Promise.promise();
    run(() -> {
      for (long t : new long[] {scheduleTimer, heartbeatTimer, timeoutTimer}) {
        if (t >= 0) {
          vertx.cancelTimer(t);
        }
      }
      allClosed = p;
      for (Member m : members) {
        m.bye();
      }
      if (open <= 0) {
        p.tryComplete();
      }
    });
    return p.future();
  }

  /** Closes whatever is still open. */
  void abortAll() {
    run(() -> members.forEach(Member::abort));
  }

  void closed(Member m) {
    open--;
    if (allClosed != null && open <= 0) {
      allClosed.tryComplete();
    }
  }

  int members() {
    return members.size();
  }
}
