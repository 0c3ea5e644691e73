package dev.baton.core.store.memory;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the memory store's refusals with their protocol details, worded for people ("Dr. Smith is
 * editing operation-report:42:main, expires in 5 min"). Stateless; guarded by the store's lock.
 */
final class Refusals {

  private Refusals() {}

  /**
   * LOCK_HELD for {@code s} wanting {@code wanted}, blocked by the lock of {@code blocking} (the same
   * resource, or one that blocks it in the document hierarchy, then named in {@code lockResource}).
   */
  static BatonException lockHeld(MemoryState st, SessionRecord s, ResourceRecord wanted, ResourceRecord blocking) {
    LockRecord lock = blocking.lock;
    long remainingMs = MemoryState.millis(lock.remainingNanos(st.now()));
    Map<String, Object> holder = new LinkedHashMap<>();
    holder.put("userId", lock.holder.userId());
    holder.put("name", lock.holder.name());
    boolean self = lock.holder.userId().equals(s.userId);
    if (self) {
      holder.put("self", true);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("holder", holder);
    details.put("expiresAt", st.clock.wallMillis() + remainingMs);
    details.put("remainingMs", remainingMs);
    details.put("inGrace", st.inGrace(lock));
    details.put("queueLength", wanted.waiters.size());
    if (blocking != wanted) {
      details.put("lockResource", blocking.id.toString());
    }
    String what = blocking == wanted ? wanted.id.toString() : blocking.id + ", which blocks " + wanted.id;
    String who = self ? "you are editing " + what + " in another tab" : lock.holder.name() + " is editing " + what;
    return new BatonException(ErrorCode.LOCK_HELD, who + ", expires in " + humanDuration(remainingMs), details);
  }

  /** A limit refusal with {@code limit} and the current count ({@code held} for LOCK_LIMIT). */
  static BatonException limit(ErrorCode code, String message, long limit, long current) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("limit", limit);
    details.put(code == ErrorCode.LOCK_LIMIT ? "held" : "current", current);
    return new BatonException(code, message, details);
  }

  /** RATE_LIMITED for a session over {@code maxSessionsPerUser}: {@code scope}, {@code limit}, {@code current}. */
  static BatonException sessionLimit(long limit, long current) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("scope", "sessionsPerUser");
    details.put("limit", limit);
    details.put("current", current);
    return new BatonException(ErrorCode.RATE_LIMITED, "this user already has " + current
        + " sessions, the limit; end one (bye) and try again", details);
  }

  /** "42 s" under a minute, else whole minutes rounded up: "5 min". */
  static String humanDuration(long ms) {
    long s = (ms + 999) / 1000;
    return s < 60 ? s + " s" : (s + 59) / 60 + " min";
  }
}
