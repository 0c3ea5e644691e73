package dev.baton.core.policy;

import java.time.Duration;

/**
 * Timing and limits for one resource type (SPEC section 5). Construction validates every value, so a
 * lock without an expiry cannot exist.
 *
 * @param lockTtl how long a lock lives without renewal; above twice {@code heartbeatInterval}
 * @param heartbeatInterval how often clients are told to send {@code heartbeat}; positive
 * @param disconnectGrace how long a dropped session keeps its memberships and locks; not negative
 * @param expiryWarning when {@code lock.expiring} is sent, as remaining time; below {@code lockTtl}
 * @param maxLocksPerUserPerDocument locks one user may hold in one document, over all sessions; at least 1
 * @param maxViewers viewers per resource; {@link #UNLIMITED} for no limit
 * @param maxJoinsPerSession resources one session may join; at least 1
 * @param conflict deny or queue when the lock is held
 * @param takeover admin takeover settings
 */
public record Policy(
    Duration lockTtl,
    Duration heartbeatInterval,
    Duration disconnectGrace,
    Duration expiryWarning,
    int maxLocksPerUserPerDocument,
    int maxViewers,
    int maxJoinsPerSession,
    Conflict conflict,
    TakeoverPolicy takeover) {

  /** {@code maxViewers} value meaning no limit. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** The SPEC defaults. */
  public static final Policy DEFAULT =
      new Policy(
          Duration.ofMinutes(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          5,
          UNLIMITED,
          200,
          Conflict.DENY,
          TakeoverPolicy.DEFAULT);

  /**
   * @throws IllegalArgumentException naming the key, the value and the rule it breaks
   */
  public Policy {
    PolicyChecks.positive("lockTtl", lockTtl);
    PolicyChecks.positive("heartbeatInterval", heartbeatInterval);
    PolicyChecks.notNegative("disconnectGrace", disconnectGrace);
    PolicyChecks.notNegative("expiryWarning", expiryWarning);
    if (lockTtl.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException(
          "lockTtl " + Durations.format(lockTtl) + " must be above twice heartbeatInterval "
              + Durations.format(heartbeatInterval) + " = "
              + Durations.format(heartbeatInterval.multipliedBy(2)));
    }
    if (expiryWarning.compareTo(lockTtl) >= 0) {
      throw new IllegalArgumentException(
          "expiryWarning " + Durations.format(expiryWarning) + " must be below lockTtl "
              + Durations.format(lockTtl));
    }
    PolicyChecks.atLeast("maxLocksPerUserPerDocument", maxLocksPerUserPerDocument, 1);
    PolicyChecks.atLeast("maxViewers", maxViewers, 0);
    PolicyChecks.atLeast("maxJoinsPerSession", maxJoinsPerSession, 1);
    PolicyChecks.present("conflict", conflict);
    PolicyChecks.present("takeover", takeover);
  }
}
