package dev.baton.server.loadgen;

/**
 * One document of the run: its resource, its actor's lock cycle (acquire, {@code renewsPerCycle}
 * renewals, release) with at most one operation in flight, and its {@link FanoutTracker}.
 *
 * <p>The lock cycle is owned by the event loop of the actor's {@link Shard}: {@link #issue} and
 * {@link #replied} run there only. The tracker is thread-safe on its own.
 */
final class Document {

  final int index;
  final String resource;
  final FanoutTracker tracker;
  private final String acquireFrame;
  private final String releaseFrame;
  private final String renewPrefix;
  private final int renewsPerCycle;
  private final Stats stats;
  private Member actor;
  private Shard shard;

  private boolean held;
  private long token;
  private int renewsLeft;
  /** The command in flight ({@link Outbound#ACQUIRE} etc.), or 0. */
  private char inFlight;
  private long intendedNanos;
  private long sentNanos;
  private boolean dead;

  Document(int index, String resource, int members, int renewsPerCycle, Stats stats) {
    this.index = index;
    this.resource = resource;
    this.tracker = new FanoutTracker(members, stats);
    this.acquireFrame = Outbound.acquire(resource);
    this.releaseFrame = Outbound.release(resource);
    this.renewPrefix = Outbound.renewPrefix(resource);
    this.renewsPerCycle = renewsPerCycle;
    this.stats = stats;
  }

  /** Sets the member that acquires, renews and releases, and the shard that schedules it. */
  void actor(Member member, Shard owner) {
    this.actor = member;
    this.shard = owner;
  }

  Shard shard() {
    return shard;
  }

  boolean dead() {
    return dead;
  }

  /**
   * Sends the next command of the cycle. Called by the schedule with the time the command was meant
   * to leave: latency counts from there, so a late send (a busy generator, a backlog) is measured as
   * latency, not hidden (no coordinated omission).
   */
  void issue(long intended) {
    String frame;
    if (!held) {
      inFlight = Outbound.ACQUIRE;
      frame = acquireFrame;
    } else if (renewsLeft > 0) {
      inFlight = Outbound.RENEW;
      frame = Outbound.renew(renewPrefix, token);
    } else {
      inFlight = Outbound.RELEASE;
      frame = releaseFrame;
    }
    intendedNanos = intended;
    sentNanos = System.nanoTime();
    stats.sent.increment();
    Phase p = stats.phase();
    boolean measured = p != null && p.measures(intended);
    if (measured) {
      stats.measuredSent.increment();
    }
    stats.record(Stats.Series.SEND_LAG, (sentNanos - intended) / 1000, measured);
    actor.send(frame);
  }

  /** The reply to a lock command arrived (on the actor's event loop). */
  void replied(char op, String m, int typeAt, long receivedNanos) {
    if (dead) {
      return;
    }
    if (op != inFlight) {
      stats.error(name(op), "UNEXPECTED_REPLY");
      return;
    }
    inFlight = 0;
    stats.completed.increment();
    Phase p = stats.phase();
    boolean measured = p != null && p.measures(intendedNanos);
    if (measured) {
      stats.measuredCompleted.increment();
    }
    if (Inbound.isError(m, typeAt)) {
      stats.error(name(op), Inbound.code(m));
      // After a refused acquire nothing is held; after a refused renewal, release (NOT_HOLDER if it
      // is gone, which also leaves nothing held); after a refused release nothing is held.
      held = op == Outbound.RENEW;
      renewsLeft = 0;
    } else {
      long micros = (receivedNanos - intendedNanos) / 1000;
      switch (op) {
        case Outbound.ACQUIRE -> {
          stats.record(Stats.Series.ACQUIRE, micros, measured);
          held = true;
          token = Inbound.token(m);
          renewsLeft = renewsPerCycle;
        }
        case Outbound.RENEW -> {
          stats.record(Stats.Series.RENEW, micros, measured);
          renewsLeft--;
        }
        default -> {
          stats.record(Stats.Series.RELEASE, micros, measured);
          held = false;
        }
      }
    }
    shard.ready(this);
  }

  /**
   * Gives up on an operation that has had no reply for {@code timeoutNanos}: counted as {@code
   * TIMEOUT}, and the document takes no further part.
   *
   * @return true if it timed out now
   */
  boolean expire(long now, long timeoutNanos) {
    if (!dead && inFlight != 0 && now - sentNanos > timeoutNanos) {
      stats.error(name(inFlight), "TIMEOUT");
      stats.timedOut.increment();
      dead = true;
      return true;
    }
    return false;
  }

  /** The actor's connection is gone: the document takes no further part. */
  void kill() {
    if (!dead && inFlight != 0) {
      stats.timedOut.increment();
    }
    dead = true;
  }

  static String name(char op) {
    return switch (op) {
      case Outbound.ACQUIRE -> "acquire";
      case Outbound.RENEW -> "renew";
      case Outbound.RELEASE -> "release";
      default -> "unknown";
    };
  }
}
