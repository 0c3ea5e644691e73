package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton connect}: a terminal WebSocket client for trying Baton by hand. Sends {@code hello}
 * with the token, then every line of standard input as one message (an {@code id} is added when
 * missing), and prints every message it receives, each followed by a {@code #} line in plain words.
 * At the end of input it waits for the outstanding replies, says {@code bye} and exits.
 *
 * <p>Not thread-safe: one instance per run; the JDK WebSocket's listener runs on its own thread and
 * only enqueues.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Connect to a Baton server, send JSON lines from stdin, print what arrives.")
final class ConnectCommand implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/v1/ws", description = "server WebSocket URL")
  URI url;

  @Option(names = "--token", required = true, description = "the JWT to say hello with")
  String token;

  @Option(names = "--resume", description = "a resume token from an earlier welcome")
  String resume;

  @Option(names = "--wait", defaultValue = "10", description = "seconds to wait for each reply")
  int waitSeconds;

  private final ObjectMapper json = new ObjectMapper();
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public Integer call() throws Exception {
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .subprotocols("baton.v1")
        .buildAsync(url, new Listener())
        .get(waitSeconds, TimeUnit.SECONDS);
    ObjectNode hello = json.createObjectNode().put("type", "hello").put("token", token);
    if (resume != null) {
      hello.put("resume", resume);
    }
    if (!exchange(ws, hello)) {
      return 1;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode msg;
      try {
        msg = json.readTree(line);
      } catch (Exception e) {
        out.println("# not JSON, not sent: " + line);
        continue;
      }
      if (!(msg instanceof ObjectNode obj)) {
        out.println("# not a JSON object, not sent: " + line);
        continue;
      }
      if (!exchange(ws, obj)) {
        return 1;
      }
      drain(0);
    }
    drain(200);
    ws.sendText(json.writeValueAsString(json.createObjectNode().put("id", "bye").put("type", "bye")), true);
    drain(500);
    return 0;
  }

  /** Sends one message and prints what arrives until its reply; false if the connection closed. */
  private boolean exchange(WebSocket ws, ObjectNode msg) throws Exception {
    if (!msg.hasNonNull("id")) {
      msg.put("id", "c" + ids.incrementAndGet());
    }
    String id = msg.get("id").asText();
    ws.sendText(json.writeValueAsString(msg), true).get(waitSeconds, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    while (System.nanoTime() - deadline < 0) {
      JsonNode m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (m == null) {
        continue;
      }
      print(m);
      if (m.path("type").asText().equals("closed")) {
        return false;
      }
      if (id.equals(m.path("re").asText(null))) {
        return true;
      }
    }
    out.println("# no reply to " + id + " within " + waitSeconds + " s");
    return true;
  }

  private void drain(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    do {
      JsonNode m = inbox.poll(Math.max(1, millis / 10), TimeUnit.MILLISECONDS);
      if (m != null) {
        print(m);
      }
    } while (System.nanoTime() - deadline < 0 || !inbox.isEmpty());
  }

  private void print(JsonNode m) {
    if (!m.path("type").asText().equals("closed")) {
      out.println(m);
    }
    String words = PlainWords.describe(m);
    if (words != null) {
      out.println("# " + words);
    }
  }

  /** Queues every text message, and the close as a {@code {"type":"closed"}} pseudo-message. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          inbox.add(json.readTree(partial.toString()));
        } catch (Exception e) {
          out.println("# unreadable frame: " + partial);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      inbox.add(json.createObjectNode().put("type", "closed").put("code", code).put("reason", reason));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      inbox.add(json.createObjectNode().put("type", "closed").put("code", 1006)
          .put("reason", String.valueOf(error.getMessage())));
    }
  }
}
