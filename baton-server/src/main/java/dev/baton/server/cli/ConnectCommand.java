package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton connect}: a terminal WebSocket client for trying Baton by hand. Sends {@code hello}
 * with the token, then every line of standard input as one message (an {@code id} is added when
 * missing), and prints every message the moment it arrives, each followed by a {@code #} line in
 * plain words. At the end of input it says {@code bye} and exits; to drop the connection without
 * {@code bye} (a crashed tab), kill the process.
 *
 * <p>Output goes to the command line's {@link picocli.CommandLine#getOut() out} writer (standard output
 * unless the caller set another), diagnostics to its {@code err} writer.
 *
 * <p>Thread model: the main thread reads input and waits for each reply; the JDK WebSocket's listener
 * thread prints and completes the reply being waited for. Printing is synchronized.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Connect to a Baton server, send JSON lines from stdin, print what arrives.")
final class ConnectCommand implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/v1/ws",
      description = "server WebSocket URL (default: ${DEFAULT-VALUE})")
  URI url;

  @Option(names = "--token", required = true, description = "the JWT to say hello with")
  String token;

  @Option(names = "--resume", description = "a resume token from an earlier welcome")
  String resume;

  @Option(names = "--wait", defaultValue = "10", description = "seconds to wait for each reply (default: ${DEFAULT-VALUE})")
  int waitSeconds;

  @Spec CommandSpec spec;

  private final InputStream stdin;
  private final ObjectMapper json = new ObjectMapper();
  /** The command line's out writer, set when {@link #call} starts (read by the listener thread). */
  private volatile PrintWriter out;
  private final AtomicInteger ids = new AtomicInteger();
  /** The id of the message waiting for its reply, and the future the reply completes. */
  private final AtomicReference<Pending> pending = new AtomicReference<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();

  private record Pending(String id, CompletableFuture<JsonNode> reply) {}

  /** Reads the messages to send from standard input. */
  ConnectCommand() {
    this(System.in);
  }

  /** @param stdin where the messages to send are read from, one JSON object a line (UTF-8) */
  ConnectCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WebSocket ws;
    try {
      ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .subprotocols("baton.v1")
          .buildAsync(url, new Listener())
          .get(waitSeconds, TimeUnit.SECONDS);
    } catch (IllegalArgumentException e) {
      err.println("baton connect: " + e.getMessage() + " (use ws://host:port/v1/ws)");
      err.flush();
      return 2;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("baton connect: cannot connect to " + url + ": " + cause);
      err.flush();
      return 1;
    }
    ObjectNode hello = json.createObjectNode().put("type", "hello").put("token", token);
    if (resume != null) {
      hello.put("resume", resume);
    }
    if (!exchange(ws, hello)) {
      return 1;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode msg;
      try {
        msg = json.readTree(line);
      } catch (Exception e) {
        print("# not JSON, not sent: " + line);
        continue;
      }
      if (!(msg instanceof ObjectNode obj)) {
        print("# not a JSON object, not sent: " + line);
        continue;
      }
      if (!exchange(ws, obj)) {
        return 1;
      }
    }
    if (!closed.isDone()) {
      exchange(ws, json.createObjectNode().put("type", "bye"));
      awaitClose();
    }
    return 0;
  }

  /** Sends one message and waits for its reply; false when the connection is closed. */
  private boolean exchange(WebSocket ws, ObjectNode msg) throws Exception {
    if (closed.isDone()) {
      print("# not sent, the connection is closed: " + msg);
      return false;
    }
    if (!msg.hasNonNull("id")) {
      msg.put("id", "c" + ids.incrementAndGet());
    }
    Pending p = new Pending(msg.get("id").asText(), new CompletableFuture<>());
    pending.set(p);
    try {
      ws.sendText(json.writeValueAsString(msg), true).get(waitSeconds, TimeUnit.SECONDS);
      CompletableFuture.anyOf(p.reply(), closed).get(waitSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      print("# no reply to " + p.id() + " within " + waitSeconds + " s");
    } catch (ExecutionException e) {
      print("# not sent: " + e.getCause().getMessage());
      return false;
    } finally {
      pending.set(null);
    }
    return !closed.isDone();
  }

  private void awaitClose() throws InterruptedException {
    try {
      closed.get(waitSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      print("# the server did not close the connection within " + waitSeconds + " s");
    }
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  /** Prints a message and its plain words; completes the pending reply it answers. */
  private synchronized void received(JsonNode m) {
    out.println(m);
    String words = PlainWords.describe(m);
    if (words != null) {
      out.println("# " + words);
    }
    out.flush();
    Pending p = pending.get();
    boolean answers = p != null && (p.id().equals(m.path("re").asText(null))
        || (m.path("type").asText().equals("error") && !m.has("re")));
    if (answers) {
      p.reply().complete(m);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received(json.readTree(partial.toString()));
        } catch (Exception e) {
          print("# unreadable frame: " + partial);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      print("# connection closed: " + code + " " + reason);
      closed.complete(code + " " + reason);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      print("# connection lost: " + error.getMessage());
      closed.complete("1006 " + error.getMessage());
    }
  }
}
