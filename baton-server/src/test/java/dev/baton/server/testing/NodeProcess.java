package dev.baton.server.testing;

import dev.baton.core.time.Clock;
import dev.baton.server.auth.TokenMinter;
import dev.baton.server.auth.TokenRequest;
import dev.baton.server.cli.BatonCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Baton node as a separate JVM process: {@code baton serve --config FILE --port N} run as the main
 * class {@link BatonCli} with this test JVM's own class path (in {@code mvn verify} the shaded jar does
 * not exist yet when tests run). The YAML file is {@link TestServer.Builder}'s, so the timings, the
 * Redis store and the HMAC secret ({@link TestServer#SECRET}) are those of a {@link TestServer} built
 * the same way; the port is chosen free once and kept, so that {@link #restart()} brings the node back
 * where its clients expect it.
 *
 * <p>The process's stdout and stderr go to {@code target/node-processes/<name>-<run>.log} (one file
 * per start), for diagnosis after a failed test. {@link #kill()} sends SIGKILL ({@link
 * Process#destroyForcibly()}): no drain, no deregistration, sockets closed by the kernel, exactly a
 * crashed node.
 *
 * <p>Thread-safety: start, kill and restart from one thread; the HTTP helpers and {@link #connect} may
 * be called from many.
 */
public final class NodeProcess implements AutoCloseable {

  /** How long a start may take until {@code /health/ready} answers 200 (a JVM on a loaded 2-core machine). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Path LOGS = Path.of("target", "node-processes");

  private final String name;
  private final int port;
  private final Path dir;
  private final Path yaml;
  private final TokenMinter minter = TokenMinter.withSecret(TestServer.SECRET, null, null, Clock.system());
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<TestClient> clients = new CopyOnWriteArrayList<>();
  private Process process;
  private int runs;

  private NodeProcess(String name, TestServer.Builder options) {
    this.name = name;
    try {
      this.port = freePort();
      this.dir = Files.createTempDirectory("baton-node-" + name + "-");
      this.yaml = Files.writeString(dir.resolve("baton.yaml"), options.yaml(dir));
      Files.createDirectories(LOGS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a node process configured as {@code options} would configure a {@link TestServer} and waits
   * until it is ready.
   *
   * @param name a short label for logs and file names
   * @throws IllegalStateException if it is not ready within {@link #START_TIMEOUT}
   */
  public static NodeProcess start(String name, TestServer.Builder options) {
    NodeProcess n = new NodeProcess(name, options);
    n.launch();
    return n;
  }

  /** The label given at start. */
  public String name() {
    return name;
  }

  /** The HTTP and WebSocket port, the same across restarts. */
  public int port() {
    return port;
  }

  /** The process id of the current run. */
  public long pid() {
    return process.pid();
  }

  /** Whether the current run's process is alive. */
  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** The log file of the current run. */
  public Path log() {
    return LOGS.resolve(name + "-" + runs + ".log");
  }

  private synchronized void launch() {
    runs++;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java,
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath(),
        BatonCli.class.getName(), "serve", "--config", yaml.toString(), "--port", Integer.toString(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log().toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Awaitility.await(name + " ready on port " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log());
            }
            return readyStatus() == 200;
          });
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not become ready; its output is in " + log().toAbsolutePath(), e);
    }
  }

  /**
   * SIGKILL, then waits for the process to be gone. Its clients see their connections drop; nothing in
   * Redis is told.
   */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * SIGTERM ({@link Process#destroy()}): the node drains and should exit by itself. Waits at most
   * {@code within} for it to exit; if it has not, SIGKILLs it and throws.
   *
   * @return how long the process took to exit after the signal
   * @throws IllegalStateException if it was still running after {@code within}
   */
  public synchronized Duration terminate(Duration within) {
    long start = System.nanoTime();
    process.destroy();
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " (pid " + process.pid() + ") still ran " + within
            + " after SIGTERM; see " + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The exit code of the current run's process; it must have exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Starts a new process on the same port with the same configuration (a new node id) and waits until ready. */
  public synchronized void restart() {
    kill();
    launch();
  }

  /**
   * {@code GET /health/ready}'s status, or -1 when the node does not answer (down, or not listening yet).
   */
  public int readyStatus() {
    try {
      return http.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- clients and HTTP

  /** A one-hour token for {@code userId} signed with {@link TestServer#SECRET}. */
  public String token(String userId, String name, String... roles) {
    return minter.mint(new TokenRequest(userId, name, List.of(roles), null, Duration.ofHours(1)));
  }

  /** {@code ws://127.0.0.1:port/v1/ws}. */
  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + port + "/v1/ws");
  }

  /**
   * Opens a WebSocket client (no hello yet) that records every message. The node keeps it until it is
   * closed, to abort it in {@link #close()}.
   */
  public TestClient connect(String label) {
    TestClient c = TestClient.open(wsUri(), label, true);
    clients.removeIf(TestClient::isClosed);
    clients.add(c);
    return c;
  }

  /** Opens a client and says hello as {@code userId}. */
  public TestClient login(String label, String userId, String name, String... roles) {
    TestClient c = connect(label);
    c.hello(token(userId, name, roles));
    return c;
  }

  /**
   * {@code POST /v1/locks/verify {resource, token}} as the document service.
   *
   * @throws UncheckedIOException when the node does not answer
   */
  public TestServer.Response verify(String resource, long token) {
    return TestServer.send(http, HttpRequest.newBuilder(uri("/v1/locks/verify")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + serviceToken())
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.verifyBody(resource, token))).build());
  }

  /** {@code GET path} as the document service. */
  public TestServer.Response get(String path) {
    return TestServer.send(http, HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + serviceToken()).GET().build());
  }

  private String serviceToken() {
    return token("document-service", "Document service", "service");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Aborts every client, kills the process and deletes its temporary folder (the log stays). */
  @Override
  public void close() {
    for (TestClient c : clients) {
      c.abort();
    }
    kill();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }

  /**
   * The test class path: surefire's {@code surefire.test.class.path} when set (its forked JVM's own
   * {@code java.class.path} may be a manifest-only booter jar), else {@code java.class.path}.
   */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public String toString() {
    return "NodeProcess[" + name + ", port " + port + (alive() ? ", pid " + process.pid() : ", down") + "]";
  }
}
