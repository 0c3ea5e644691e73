package dev.baton.core.policy;

/** How an admin's {@code lock.takeover} proceeds. */
public enum TakeoverMode {
  /** The holder is asked and the lock passes at the deadline, on acceptance or on release. */
  REQUEST,
  /** The lock passes at once. */
  IMMEDIATE,
  /** Takeover is refused. */
  DISABLED
}
