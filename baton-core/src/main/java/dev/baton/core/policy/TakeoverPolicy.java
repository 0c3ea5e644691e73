package dev.baton.core.policy;

import java.time.Duration;

/**
 * Takeover settings of a policy.
 *
 * @param mode how a takeover proceeds
 * @param timeout how long the holder has to answer in {@link TakeoverMode#REQUEST} mode; positive
 * @param allowDecline whether the holder may answer {@code accept: false}
 */
public record TakeoverPolicy(TakeoverMode mode, Duration timeout, boolean allowDecline) {

  /** The SPEC defaults: request mode, 30 s, no decline. */
  public static final TakeoverPolicy DEFAULT =
      new TakeoverPolicy(TakeoverMode.REQUEST, Duration.ofSeconds(30), false);

  /**
   * @throws IllegalArgumentException naming the key if the timeout is not positive
   */
  public TakeoverPolicy {
    PolicyChecks.present("takeover.mode", mode);
    PolicyChecks.positive("takeover.timeout", timeout);
  }
}
