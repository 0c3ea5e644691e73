package dev.baton.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.fuzz.Hostile.Expect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Judges what the server answered to each hostile frame and keeps the tally: frames sent, answers by
 * error code and close code, and every failure with its lane, frame number and kind. Thread-safe
 * (lanes report from their own threads).
 */
final class Verdicts {

  /** Error codes a hostile frame may get: every code of docs/protocol.md section 10 but INTERNAL. */
  static final Set<String> ERROR_CODES = Arrays.stream(ErrorCode.values())
      .filter(c -> c != ErrorCode.INTERNAL).map(Enum::name).collect(Collectors.toUnmodifiableSet());
  /** Close codes a hostile frame may cause (docs/protocol.md section 11), without 1011. */
  static final Set<Integer> CLOSE_CODES = Set.of(1000, 1002, 1007, 1009, 4001, 4008, 4009);

  /** How one frame ended. Exactly one of reply, closeCode (>= 0) or problem is set. */
  record Outcome(JsonNode reply, int closeCode, String closeReason, String problem) {
    static Outcome reply(JsonNode reply) {
      return new Outcome(reply, -1, null, null);
    }

    static Outcome closed(int code, String reason) {
      return new Outcome(null, code, reason, null);
    }

    static Outcome problem(String problem) {
      return new Outcome(null, -1, null, problem);
    }

    boolean isClose() {
      return closeCode >= 0;
    }

    @Override
    public String toString() {
      return reply != null ? reply.toString() : isClose() ? "close " + closeCode + " \"" + closeReason + "\"" : problem;
    }
  }

  private final AtomicLong frames = new AtomicLong();
  private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
  private final List<String> failures = new ArrayList<>();

  /**
   * Records the answer to one frame and judges it against {@link Hostile#expect()}.
   *
   * @param honestSessions session ids a fresh session must not reuse
   */
  void judge(String lane, int n, Hostile h, Outcome o, Set<String> honestSessions) {
    frames.incrementAndGet();
    String label = o.reply() != null ? o.reply().path("type").asText() + (o.reply().has("code")
        ? " " + o.reply().path("code").asText() : "") : o.isClose() ? "close " + o.closeCode() : "problem";
    answers.computeIfAbsent(label, k -> new AtomicLong()).incrementAndGet();
    String wrong = wrong(h, o, honestSessions);
    if (wrong != null) {
      fail(lane + " frame " + n + " [" + h.kind() + "] " + h.preview() + "\n    answer: " + o + "\n    " + wrong);
    }
  }

  private static String wrong(Hostile h, Outcome o, Set<String> honestSessions) {
    if (o.problem() != null) {
      return o.problem();
    }
    if (o.isClose()) {
      if (!CLOSE_CODES.contains(o.closeCode())) {
        return "close code " + o.closeCode() + " is not one a hostile frame may cause";
      }
      return h.expect() == Expect.FRESH_SESSION || h.expect() == Expect.RESUMED ? "expected a welcome" : null;
    }
    JsonNode reply = o.reply();
    if (!reply.has("ts")) {
      return "a message without ts";
    }
    String type = reply.path("type").asText();
    if (type.equals("error")) {
      String code = reply.path("code").asText();
      if (!ERROR_CODES.contains(code)) {
        return "error code " + code + " is not one a hostile frame may get";
      }
      if (!reply.path("message").isTextual() || !reply.path("retryable").isBoolean()) {
        return "an error without message or retryable";
      }
      return h.expect() == Expect.FRESH_SESSION || h.expect() == Expect.RESUMED ? "expected a welcome" : null;
    }
    return switch (h.expect()) {
      case REFUSED -> "expected an error or a close";
      case ANY -> null;
      case FRESH_SESSION -> !type.equals("welcome") || reply.path("resumed").asBoolean(true)
          || honestSessions.contains(reply.path("sessionId").asText())
          ? "expected a welcome of a new session" : null;
      case RESUMED -> !type.equals("welcome") || !reply.path("resumed").asBoolean(false)
          || !reply.path("sessionId").asText().equals(h.sessionId())
          ? "expected the welcome of resumed session " + h.sessionId() : null;
    };
  }

  /** Records a failure found outside one frame's answer (a lane that cannot connect, a leak). */
  synchronized void fail(String failure) {
    failures.add(failure);
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  long frames() {
    return frames.get();
  }

  /** Answers by kind, sorted, for the test's printout. */
  Map<String, Long> answers() {
    Map<String, Long> m = new TreeMap<>();
    answers.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }
}
