package dev.baton.server.loadgen;

import dev.baton.server.ws.CloseCodes;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One simulated browser tab: a WebSocket that says {@code hello} as its own user, joins one resource
 * as a viewer, heartbeats, and (for a document's actor) carries that document's lock commands.
 *
 * <p>Owned by its {@link Shard}'s event loop: every method runs there, and so do the socket's
 * handlers (the socket is opened from that context).
 */
final class Member {

  private enum State { NEW, HELLO, JOINING, READY, CLOSED }

  private static final int MAX_CONNECT_RETRIES = 10;
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  final int index;
  final String resource;
  private final Shard shard;
  /** The document this member belongs to, or null for an idle member. */
  private final Document doc;
  private final boolean actor;
  private final WebSocketClient client;
  private final WebSocketConnectOptions target;
  private final Supplier<String> token;
  private final Stats stats;
  /** Presence versions this member has, for its document's tracker; null for an idle member. */
  private final PresenceReceipts receipts;

  private State state = State.NEW;
  private WebSocket ws;
  private boolean closing;
  private boolean settled;
  private int retries;

  Member(int index, String resource, Shard shard, Document doc, boolean actor, WebSocketClient client,
      URI url, Supplier<String> token, Stats stats) {
    this.index = index;
    this.resource = resource;
    this.shard = shard;
    this.doc = doc;
    this.actor = actor;
    this.client = client;
    this.target = new WebSocketConnectOptions()
        .setHost(url.getHost().replace("[", "").replace("]", ""))
        .setPort(url.getPort() < 0 ? 80 : url.getPort())
        .setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        .setSubProtocols(List.of("baton.v1"))
        .setConnectTimeout(30_000)
        .setTimeout(30_000);
    this.token = token;
    this.stats = stats;
    this.receipts = doc == null ? null : new PresenceReceipts(doc.tracker);
  }

  boolean ready() {
    return state == State.READY && !closing;
  }

  boolean open() {
    return ws != null && state != State.CLOSED;
  }

  /** Connects, says hello and joins; the shard hears of the outcome once ({@link Shard#settled}). */
  void connect() {
    state = State.HELLO;
    client.connect(target).onComplete(ar -> {
      if (ar.failed()) {
        stats.error("connect", failure(ar.cause()));
        state = State.CLOSED;
        settle(false);
        shard.closed(this);
        return;
      }
      ws = ar.result();
      ws.textMessageHandler(this::onText);
      ws.exceptionHandler(e -> stats.error("connection", failure(e)));
      ws.closeHandler(v -> onClosed());
      send(Outbound.hello(token.get()));
    });
  }

  void send(String frame) {
    if (ws != null && state != State.CLOSED) {
      ws.writeTextMessage(frame);
    }
  }

  void heartbeat() {
    if (ready()) {
      stats.heartbeats.increment();
      send(Outbound.HEARTBEAT_FRAME);
    }
  }

  /** Ends the session with {@code bye}: the server releases its locks and closes with 1000. */
  void bye() {
    if (open() && !closing) {
      closing = true;
      send(Outbound.BYE_FRAME);
    }
  }

  /** Closes the socket without more ado (after {@link #bye} had its chance). */
  void abort() {
    if (open()) {
      closing = true;
      ws.close();
    }
  }

  private void onText(String m) {
    long receivedNanos = System.nanoTime();
    char re = Inbound.re(m);
    if (re == 0) {
      onEvent(m);
      return;
    }
    int typeAt = Inbound.typeAt(m);
    switch (re) {
      case Outbound.ACQUIRE, Outbound.RENEW, Outbound.RELEASE -> {
        if (actor) {
          doc.replied(re, m, typeAt, receivedNanos);
        }
      }
      case Outbound.HEARTBEAT -> {
        if (Inbound.isError(m, typeAt)) {
          stats.error("heartbeat", Inbound.code(m));
        } else {
          stats.heartbeatAcks.increment();
        }
      }
      case Outbound.HELLO -> onWelcome(m, typeAt);
      case Outbound.JOIN -> onJoined(m, typeAt);
      default -> {
        // bye and anything else: nothing to do
      }
    }
  }

  private void onEvent(String m) {
    stats.events.increment();
    int typeAt = Inbound.typeAt(m);
    if (receipts != null && Inbound.typeStarts(m, typeAt, "presence")) {
      Instant now = Instant.now();
      long receivedMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
      if (Inbound.typeIs(m, typeAt, "presence")) {
        receipts.snapshot(Inbound.version(m), Inbound.ts(m), receivedMicros);
      } else {
        receipts.event(Inbound.version(m), Inbound.ts(m), receivedMicros);
      }
    } else if (Inbound.isError(m, typeAt)) {
      stats.error("event", Inbound.code(m));
    }
  }

  private void onWelcome(String m, int typeAt) {
    if (retried(m, typeAt, () -> send(Outbound.hello(token.get())))) {
      return;
    }
    if (!Inbound.typeIs(m, typeAt, "welcome")) {
      stats.error("hello", Inbound.isError(m, typeAt) ? Inbound.code(m) : "UNEXPECTED_REPLY");
      settle(false);
      abort();
      return;
    }
    shard.heartbeatMs(Inbound.heartbeatMs(m));
    state = State.JOINING;
    send(Outbound.join(resource));
  }

  private void onJoined(String m, int typeAt) {
    if (retried(m, typeAt, () -> send(Outbound.join(resource)))) {
      return;
    }
    if (!Inbound.typeIs(m, typeAt, "joined")) {
      stats.error("join", Inbound.isError(m, typeAt) ? Inbound.code(m) : "UNEXPECTED_REPLY");
      settle(false);
      abort();
      return;
    }
    if (doc != null) {
      long v = Inbound.presenceVersion(m);
      doc.tracker.baseline(v);
      receipts.joined(v);
    }
    state = State.READY;
    settle(true);
  }

  /**
   * While connecting, a {@code hello} or {@code join} refused with {@code UNAVAILABLE} (the server's
   * store did not answer in time: retryable, the connection stays open) is sent again after a backoff
   * ({@value #FIRST_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms, each with up to half of it
   * taken off at random), and a connection closed before it joined with a code worth a reconnect is
   * opened again the same way ({@link #reconnectable}); at most {@value #MAX_CONNECT_RETRIES} retries
   * per member in all, each counted in {@code connectRetries}.
   *
   * @return whether the reply was such a refusal and a retry is scheduled
   */
  private boolean retried(String m, int typeAt, Runnable again) {
    if (!Inbound.isError(m, typeAt) || !"UNAVAILABLE".equals(Inbound.code(m)) || retries >= MAX_CONNECT_RETRIES) {
      return false;
    }
    retry(() -> {
      if (state != State.CLOSED && !closing) {
        again.run();
      }
    });
    return true;
  }

  /**
   * Whether a close before this member joined is worth a new connection: 1011 (the server could not
   * open the session: its store did not answer) and 4001 (no {@code hello} within the server's limit:
   * a starved server that did not read it in time; a refused token fails again on each attempt,
   * within the bound).
   */
  private static boolean reconnectable(Short closeCode) {
    return closeCode != null && (closeCode == CloseCodes.INTERNAL || closeCode == CloseCodes.UNAUTHENTICATED);
  }

  /** Runs {@code again} after the next backoff and counts it as a retry. */
  private void retry(Runnable again) {
    long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << retries);
    retries++;
    stats.connectRetries.increment();
    shard.later(backoff - ThreadLocalRandom.current().nextLong(backoff / 2 + 1), again);
  }

  private void onClosed() {
    State was = state;
    state = State.CLOSED;
    Short closeCode = ws.closeStatusCode();
    if (!closing && !settled && reconnectable(closeCode) && retries < MAX_CONNECT_RETRIES) {
      retry(this::connect);
      return;
    }
    if (!closing) {
      Short code = ws.closeStatusCode();
      stats.error("connection", "CLOSED_" + (code == null ? "1006" : code));
    }
    if (actor) {
      doc.kill();
    }
    if (was != State.READY) {
      settle(false);
    }
    shard.closed(this);
  }

  private void settle(boolean ok) {
    if (!settled) {
      settled = true;
      shard.settled(ok);
    }
  }

  private static String failure(Throwable e) {
    String name = e.getClass().getSimpleName();
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("Connection refused")) {
      return "REFUSED";
    }
    if (msg.contains("Cannot assign requested address") || msg.contains("Address already in use")) {
      return "NO_LOCAL_PORT";
    }
    if (msg.toLowerCase().contains("timed out") || msg.toLowerCase().contains("timeout")) {
      return "TIMEOUT";
    }
    return name;
  }
}
