package dev.baton.core.policy;

/** What {@code lock.acquire} does when the lock is held by someone else. */
public enum Conflict {
  /** Refuse with {@code LOCK_HELD}. */
  DENY,
  /** Allow {@code wait: true} to join a FIFO queue. */
  QUEUE
}
