package dev.baton.server.ws;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connected sessions each user has on this node, for {@code limits.sessionsPerUser}. A user
 * with none has no entry. Thread-safe (atomic per user).
 */
final class UserSessions {

  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
  private final int max;

  /** @param max the most sessions one user may have on this node, positive */
  UserSessions(int max) {
    this.max = max;
  }

  /** Counts one more session of {@code userId}, unless it already has {@code max}: then false. */
  boolean tryAdd(String userId) {
    boolean[] added = {false};
    counts.compute(userId, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      added[0] = true;
      return now + 1;
    });
    return added[0];
  }

  /** Forgets one session of {@code userId} counted by {@link #tryAdd}. */
  void remove(String userId) {
    counts.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** The limit. */
  int max() {
    return max;
  }
}
