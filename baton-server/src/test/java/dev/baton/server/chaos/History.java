package dev.baton.server.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What a chaos run observed, in the order it was recorded: grants, observations of a live lock
 * (renewals, valid verifications, resumes), observations that a lock had ended (release
 * acknowledgements, expiry and revocation events, {@code LOCK_LOST}, invalid verifications), deaths of
 * sessions and the moments their locks were seen gone. {@link GuaranteeChecker} judges it.
 *
 * <p>Times: {@code ...Ms} fields are epoch milliseconds on the server's clock. The Redis store takes
 * lock times from Redis {@code TIME}; the nodes stamp {@code ts} with their own clock; in the tests all
 * of them (and this JVM's {@link System#currentTimeMillis()}) read the one clock of the one machine
 * they run on. {@code ...Nanos} fields are this JVM's {@link System#nanoTime()}.
 *
 * <p>Thread-safe: recorded from every client's thread at once.
 */
public final class History {

  /** One observation. */
  public sealed interface Entry permits Grant, Live, Ended, Died, Gone, Fault {}

  /**
   * A grant of {@code token} on {@code resource} to {@code sessionId}, committed at {@code atMs} (the
   * reply's {@code expiresAt - remainingMs}: the store's own clock at the grant), with its lease
   * running until {@code leaseEndMs} ({@code expiresAt}).
   */
  public record Grant(String resource, long token, String sessionId, long atMs, long leaseEndMs) implements Entry {}

  /**
   * The lock {@code token} on {@code resource} was current at {@code atMs} and, as of then, its lease
   * ran until {@code leaseEndMs}: a renewal ({@code lock.renewed}), a valid {@code POST
   * /v1/locks/verify} (both exact: {@code expiresAt - remainingMs}) or a resume ({@code welcome}: the
   * time the {@code hello} was sent, a lower bound of the moment the server looked).
   *
   * @param what which observation, for messages
   */
  public record Live(String resource, long token, long atMs, long leaseEndMs, String what) implements Entry {}

  /**
   * The lock {@code token} on {@code resource} had ended by {@code atMs} (an upper bound: the
   * {@code ts} of a {@code lock.released} reply, of a {@code lock.expired} or {@code lock.revoked}
   * event, of a {@code LOCK_LOST} or {@code NOT_HOLDER} reply, or the receipt of a {@code 409} from
   * verify).
   *
   * @param what which observation, for messages
   */
  public record Ended(String resource, long token, long atMs, String what) implements Entry {}

  /**
   * A session died at {@code atNanos} (its connection was dropped, or its node killed, and nobody will
   * resume it) while the server showed it holding {@code token} on {@code resource}; the lock must be
   * gone within {@code boundMs}.
   *
   * @param why "dropped" or "node killed", for messages
   */
  public record Died(String sessionId, String resource, long token, long atNanos, long boundMs, String why)
      implements Entry {}

  /** {@code POST /v1/locks/verify} first answered invalid for {@code token} on {@code resource} at {@code atNanos}. */
  public record Gone(String resource, long token, long atNanos) implements Entry {}

  /** A fault the injector caused (for the timeline in messages). */
  public record Fault(String what, long atNanos) implements Entry {}

  private final List<Entry> entries = new ArrayList<>();

  /** Records {@code e}. */
  public void add(Entry e) {
    synchronized (entries) {
      entries.add(e);
    }
  }

  /** A copy of every entry so far, in recording order. */
  public List<Entry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** How many entries of {@code type} there are. */
  public long count(Class<? extends Entry> type) {
    synchronized (entries) {
      return entries.stream().filter(type::isInstance).count();
    }
  }
}
