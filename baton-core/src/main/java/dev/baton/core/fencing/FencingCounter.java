package dev.baton.core.fencing;

/**
 * Issues fencing tokens: every call returns a value greater than every value returned before, by
 * this counter and by every earlier counter over the same storage. A counter shared by all resources
 * is therefore strictly increasing per resource too. Implementations must be thread-safe.
 */
public interface FencingCounter {

  /**
   * The next token, at least 1.
   *
   * @throws IllegalStateException if the counter cannot guarantee monotonicity (its storage failed)
   */
  long next();
}
