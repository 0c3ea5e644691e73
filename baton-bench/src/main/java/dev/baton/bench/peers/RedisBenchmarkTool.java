package dev.baton.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Redis's own {@code redis-benchmark} (Debian's {@code redis-tools}), run as a child process: {@code N}
 * clients, each with one {@code EVALSHA} of the trivial script in flight, the C floor of one round
 * trip. Only used when the program is on the {@code PATH}; a bench-time tool, not a dependency.
 */
final class RedisBenchmarkTool {

  private RedisBenchmarkTool() {}

  /** Whether {@code redis-benchmark} is on the {@code PATH}. */
  static boolean available() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (Files.isExecutable(Path.of(dir, "redis-benchmark"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code requests} {@code EVALSHA sha 1 key x} with {@code clients} connections against
   * {@code port} on 127.0.0.1 and returns the requests per second it reports.
   *
   * @throws IllegalStateException if it fails, takes more than 5 minutes or prints no rate
   */
  static double evalshaPerSecond(int port, int clients, long requests, String sha) throws InterruptedException {
    List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-c", Integer.toString(clients), "-n", Long.toString(requests), "--csv",
        "EVALSHA", sha, "1", "floor:rb", "x");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-benchmark failed: " + new String(output, StandardCharsets.UTF_8));
      }
      return parse(new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code rps} column of {@code --csv} output: {@code "test","rps","avg_latency_ms",...}. */
  static double parse(String csv) {
    for (String line : csv.split("\r?\n")) {
      if (line.startsWith("\"EVALSHA")) {
        String[] cells = line.split("\",\"");
        return Double.parseDouble(cells[1].replace("\"", ""));
      }
    }
    throw new IllegalStateException("no rate in redis-benchmark output: " + csv);
  }
}
