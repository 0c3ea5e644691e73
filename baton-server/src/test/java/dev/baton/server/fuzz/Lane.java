package dev.baton.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.fuzz.HostileFrames.Stage;
import dev.baton.server.fuzz.HostileFrames.Targets;
import dev.baton.server.fuzz.Verdicts.Outcome;
import dev.baton.server.testing.RawWebSocket;
import dev.baton.server.testing.RawWebSocket.Frame;
import dev.baton.server.testing.TestServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One hostile client sending its share of the frames, one at a time, each answered before the next:
 * as the first message of a fresh connection ({@link Stage#ANONYMOUS}), right behind a valid {@code
 * hello} that is not answered yet ({@link Stage#MID_HANDSHAKE}), or on a welcomed connection that has
 * joined and locked a resource of its own ({@link Stage#AUTHENTICATED}). A closed connection is
 * replaced. Anonymous lanes also replay resume tokens: a session's token resumes it once, and a second
 * use opens a new session. Every text frame the lane receives is checked for the honest clients'
 * fencing token and resume tokens. Owned by one thread.
 */
final class Lane implements Runnable {

  /** How long one answer may take before the frame counts as a hang. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ENDED = "the connection ended without a close frame: ";

  private final String name;
  private final Stage stage;
  private final TestServer server;
  private final HostileFrames frames;
  private final Random random;
  private final int budget;
  private final Targets targets;
  private final Verdicts verdicts;
  private final Set<String> honestSessions;
  private final List<String> secrets;
  private RawWebSocket ws;
  private int sent;

  Lane(String name, Stage stage, TestServer server, HostileFrames frames, long seed, int budget, Targets targets,
      Verdicts verdicts) {
    this.name = name;
    this.stage = stage;
    this.server = server;
    this.frames = frames;
    this.random = new Random(seed);
    this.budget = budget;
    this.targets = targets;
    this.verdicts = verdicts;
    this.honestSessions = new HashSet<>(targets.honestSessionIds());
    this.secrets = new java.util.ArrayList<>(targets.honestResumeTokens());
    this.secrets.add(Long.toString(targets.honestToken()));
  }

  @Override
  public void run() {
    try {
      while (sent < budget) {
        switch (stage) {
          case ANONYMOUS -> anonymous();
          case MID_HANDSHAKE -> midHandshake();
          case AUTHENTICATED -> authenticated();
          default -> throw new IllegalStateException(stage.toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      verdicts.fail(name + " stopped after " + sent + " frames: " + e);
    } finally {
      drop();
    }
  }

  private void anonymous() throws IOException {
    if (random.nextInt(50) == 0) {
      replay();
      return;
    }
    if (ws == null) {
      ws = RawWebSocket.connect(server);
    }
    Hostile h = frames.next(random, Stage.ANONYMOUS, targets);
    Outcome o = send(h, null);
    if (o.reply() != null && o.reply().path("type").asText().equals("welcome")) {
      drop();
    } else if (o.reply() != null && h.opcode() == 1) {
      // Before hello, a refused text frame is followed by close 4001 (docs/protocol.md section 3).
      Outcome close = read(null);
      if (!close.isClose() || close.closeCode() != 4001) {
        verdicts.fail(name + " frame " + sent + " [" + h.kind() + "] " + h.preview()
            + "\n    after " + o.reply() + " expected close 4001, got " + close);
      }
      drop();
    } else if (o.reply() == null) {
      drop();
    }
  }

  /**
   * The id of the lane's own hello, whose reply the lane skips: one the generator never produces
   * (random frames use ids like "hello" too, and their answers must not be mistaken for it).
   */
  private static final String HANDSHAKE_ID = "lane-handshake-7f3e9a";

  private void midHandshake() throws IOException {
    ws = RawWebSocket.connect(server);
    ws.sendText(JSON.writeValueAsString(Map.of("id", HANDSHAKE_ID, "type", "hello", "token", targets.validJwt())));
    Hostile h = frames.next(random, Stage.MID_HANDSHAKE, targets);
    send(h, HANDSHAKE_ID);
    drop();
  }

  private void authenticated() throws IOException {
    if (ws == null) {
      ws = RawWebSocket.connect(server);
      ws.sendText(JSON.writeValueAsString(Map.of("id", HANDSHAKE_ID, "type", "hello", "token", targets.validJwt())));
      expect(HANDSHAKE_ID, "welcome");
      ws.sendText(JSON.writeValueAsString(Map.of("id", "join", "type", "join", "resource", targets.sandbox(),
          "mode", "edit")));
      expect("join", "joined");
    }
    Outcome o = send(frames.next(random, Stage.AUTHENTICATED, targets), null);
    if (o.reply() == null) {
      drop();
    }
  }

  /** A welcomed session, resumed once with its token (resumed), then again with the same token (new). */
  private void replay() throws IOException {
    drop();
    String hello = JSON.writeValueAsString(Map.of("id", "r1", "type", "hello", "token", targets.validJwt()));
    ws = RawWebSocket.connect(server);
    ws.sendText(hello);
    JsonNode welcome = expect("r1", "welcome");
    drop();
    String sessionId = welcome.path("sessionId").asText();
    String resume = welcome.path("resumeToken").asText();
    Map<String, String> again = Map.of("id", "r2", "type", "hello", "token", targets.validJwt(), "resume", resume);
    ws = RawWebSocket.connect(server);
    send(new Hostile("resume with one's own resume token", 1, JSON.writeValueAsBytes(again), Hostile.Expect.RESUMED,
        sessionId), null);
    drop();
    Set<String> taken = new HashSet<>(honestSessions);
    taken.add(sessionId);
    ws = RawWebSocket.connect(server);
    Outcome o = send(new Hostile("replayed resume token", 1, JSON.writeValueAsBytes(again),
        Hostile.Expect.FRESH_SESSION, null), null, taken);
    drop();
    if (o.reply() == null) {
      verdicts.fail(name + ": the replayed resume token got " + o);
    }
  }

  private Outcome send(Hostile h, String skipRe) throws IOException {
    return send(h, skipRe, honestSessions);
  }

  /** Sends the frame, reads its answer, and has it judged. */
  private Outcome send(Hostile h, String skipRe, Set<String> taken) throws IOException {
    sent++;
    try {
      ws.sendFrame(true, h.opcode(), h.payload());
    } catch (IOException e) {
      // The server may close while an oversized frame is still being written: its close frame counts.
    }
    Outcome o = read(skipRe, new String(h.payload(), java.nio.charset.StandardCharsets.UTF_8));
    if (o.problem() != null && o.problem().startsWith(ENDED) && h.oversized(targets.maxFrameBytes())) {
      // The server closed with 1009 while the oversized frame was still arriving: its TCP stack may
      // answer the unread rest with a reset, which can discard the close frame before it is read.
      o = Outcome.closed(1009, "(reset while the oversized frame was being written)");
    }
    verdicts.judge(name, sent, h, o, taken);
    return o;
  }

  private Outcome read(String skipRe) throws IOException {
    return read(skipRe, "");
  }

  /**
   * The next reply or close, answering pings and passing over events and the reply to {@code skipRe}.
   * A received text that holds an honest client's secret the sent frame did not hold is a failure.
   */
  private Outcome read(String skipRe, String sentText) throws IOException {
    long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    while (true) {
      Frame f;
      try {
        f = ws.readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      } catch (SocketTimeoutException e) {
        return Outcome.problem("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s (a hang)");
      }
      if (f == null) {
        return Outcome.problem(ENDED + ws.end());
      }
      switch (f.opcode()) {
        case 9 -> ws.sendFrame(true, 10, f.payload());
        case 10 -> { }
        case 8 -> {
          return Outcome.closed(f.closeCode(), f.payload().length > 2
              ? new String(f.payload(), 2, f.payload().length - 2, java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        case 1 -> {
          String text = f.text();
          for (String secret : secrets) {
            if (text.contains(secret) && !sentText.contains(secret)) {
              verdicts.fail(name + " received an honest client's secret " + secret + ": " + text);
            }
          }
          JsonNode m = JSON.readTree(text);
          boolean reply = m.has("re") || m.path("type").asText().equals("error");
          if (reply && !(skipRe != null && skipRe.equals(m.path("re").asText(null)))) {
            return Outcome.reply(m);
          }
        }
        default -> {
          return Outcome.problem("an unexpected frame with opcode " + f.opcode());
        }
      }
    }
  }

  private JsonNode expect(String re, String type) throws IOException {
    Outcome o = read(null);
    if (o.reply() == null || !o.reply().path("type").asText().equals(type) || !re.equals(o.reply().path("re").asText())) {
      throw new IllegalStateException(name + " expected " + type + " to " + re + ", got " + o);
    }
    return o.reply();
  }

  private void drop() {
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        // already gone
      }
      ws = null;
    }
  }
}
