package dev.baton.server.loadgen;

import dev.baton.core.policy.Durations;
import dev.baton.server.auth.TokenMinter;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton loadgen}: opens many WebSocket connections to Baton nodes on this machine and drives an
 * open-loop lock workload, then writes JSON results and an HTML percentile plot. Exit code 0 when the
 * run completed (errors, if any, are in the results), 1 when it could not run (connections refused,
 * a node unreachable), 2 for a bad option.
 *
 * <p>Not thread-safe: one instance per command-line run.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = {
      "Load generator: N WebSocket connections (distinct users) join D documents with V viewers each"
          + " (the rest join a resource of their own and stay idle), heartbeat, and drive an open-loop,"
          + " constant-rate mix of lock.acquire / lock.renew / lock.release. Latency is measured from each"
          + " operation's intended send time (coordinated omission corrected). Targets loopback only.",
      ""
    })
public final class LoadgenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--url", paramLabel = "WS_URL", description = "a node's WebSocket URL; repeat for several nodes"
      + " (connections round robin). Default: ws://127.0.0.1:8080/v1/ws")
  List<URI> urls = new ArrayList<>();

  @Option(names = "--metrics-url", paramLabel = "URL", description = "a node's /metrics URL, one per --url"
      + " (default: http://HOST:PORT/metrics of each --url)")
  List<URI> metricsUrls = new ArrayList<>();

  @Option(names = "--source-addresses", paramLabel = "A-B", defaultValue = "127.0.0.1",
      description = "local addresses to connect from, e.g. 127.0.0.2-127.0.0.9 or a comma list: each address"
          + " has about 28,000 ephemeral ports (default: ${DEFAULT-VALUE})")
  String sourceAddresses;

  @Option(names = "--connections", defaultValue = "10000", description = "connections (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--documents", defaultValue = "1000",
      description = "documents with an actor each (default: ${DEFAULT-VALUE})")
  int documents;

  @Option(names = "--viewers", defaultValue = "1",
      description = "viewers per document besides its actor (default: ${DEFAULT-VALUE})")
  int viewers;

  @Option(names = "--rate", defaultValue = "5000", description = "lock operations per second, open loop; the"
      + " first rate of --max-rate-search (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--duration", defaultValue = "60s",
      description = "measured time per step (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--warmup", defaultValue = "10s",
      description = "unmeasured time before each step (default: ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--renews", defaultValue = "1", description = "renewals per lock cycle: mix acquire:renew:release"
      + " = 1:N:1 (default: ${DEFAULT-VALUE})")
  int renews;

  @Option(names = "--secret", paramLabel = "S", defaultValue = "${env:BATON_AUTH_HMAC_SECRET}",
      description = "the server's auth.hmacSecret, to mint a token per connection (default: $BATON_AUTH_HMAC_SECRET)")
  String secret;

  @Option(names = "--iss", paramLabel = "I", description = "iss claim, if the server wants one")
  String issuer;

  @Option(names = "--aud", paramLabel = "A", description = "aud claim, if the server wants one")
  String audience;

  @Option(names = "--event-loops", defaultValue = "2",
      description = "generator event loops (default: ${DEFAULT-VALUE})")
  int eventLoops;

  @Option(names = "--connect-concurrency", defaultValue = "256",
      description = "handshakes in flight at once (default: ${DEFAULT-VALUE})")
  int connectConcurrency;

  @Option(names = "--op-timeout", defaultValue = "10s", description = "an unanswered operation counts as TIMEOUT"
      + " after this (default: ${DEFAULT-VALUE})")
  String opTimeout;

  @Option(names = "--max-rate-search", description = "step the rate up from --rate until acquire p99 passes"
      + " --p99-limit (or under 95%% of the rate is achieved), then bisect")
  boolean maxRateSearch;

  @Option(names = "--p99-limit", defaultValue = "5ms",
      description = "acquire p99 limit of the search (default: ${DEFAULT-VALUE})")
  String p99Limit;

  @Option(names = "--search-factor", defaultValue = "1.25",
      description = "rate multiplier per search step (default: ${DEFAULT-VALUE})")
  double searchFactor;

  @Option(names = "--search-steps", defaultValue = "16",
      description = "search steps at most (default: ${DEFAULT-VALUE})")
  int searchSteps;

  @Option(names = "--search-refinements", defaultValue = "2",
      description = "bisections after the first failing step (default: ${DEFAULT-VALUE})")
  int searchRefinements;

  @Option(names = "--server-pid", paramLabel = "PID", description = "a node's process id (repeat per --url):"
      + " full GC (jcmd PID GC.run) before each heap reading, RSS from /proc when not in /metrics")
  List<Long> serverPids = new ArrayList<>();

  @Option(names = "--out", defaultValue = "loadgen-results.json",
      description = "JSON results (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--html", description = "HTML percentile plot (default: --out with .html)")
  Path html;

  @Option(names = "--quiet", description = "no progress lines")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    LoadConfig config = config();
    PrintStream progress = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    LoadReport report;
    try {
      report = new LoadGenerator(config, progress).run();
    } catch (LoadgenException e) {
      System.err.println("baton loadgen: " + e.getMessage());
      return 1;
    }
    Path htmlFile = html != null ? html : htmlBeside(out);
    ReportJson.write(report, out);
    PercentilePlot.write(report, htmlFile);
    progress.printf("results: %s, plot: %s; errors: %d%s%n", out, htmlFile, report.errorCount(),
        report.errorCount() == 0 ? "" : " " + report.errors());
    return 0;
  }

  private LoadConfig config() {
    if (secret == null || secret.isEmpty()) {
      throw usage("--secret is required (or set BATON_AUTH_HMAC_SECRET): the server's auth.hmacSecret");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < TokenMinter.MIN_SECRET_BYTES) {
      throw usage("--secret must be at least " + TokenMinter.MIN_SECRET_BYTES + " bytes");
    }
    List<URI> targets = urls.isEmpty() ? List.of(URI.create("ws://127.0.0.1:8080/v1/ws")) : urls;
    List<URI> metrics = metricsUrls;
    if (metrics.isEmpty()) {
      metrics = targets.stream()
          .map(u -> URI.create("http://" + u.getHost() + ":" + (u.getPort() < 0 ? 80 : u.getPort()) + "/metrics"))
          .toList();
    } else if (metrics.size() != targets.size()) {
      throw usage("--metrics-url: give one per --url (" + targets.size() + ")");
    }
    if (!serverPids.isEmpty() && serverPids.size() != targets.size()) {
      throw usage("--server-pid: give one per --url (" + targets.size() + ")");
    }
    try {
      LoadConfig.RateSearch search = maxRateSearch
          ? new LoadConfig.RateSearch(duration("--p99-limit", p99Limit), searchFactor, searchSteps, searchRefinements)
          : null;
      LoadConfig c = new LoadConfig(targets, metrics, Loopback.parseAddresses(sourceAddresses), connections,
          documents, viewers, rate, duration("--warmup", warmup), duration("--duration", duration), renews, secret,
          issuer, audience, eventLoops, connectConcurrency, duration("--op-timeout", opTimeout), search, serverPids,
          quiet);
      Loopback.check(c);
      return c;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private static Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    }
  }

  private static Path htmlBeside(Path json) {
    String name = json.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return json.resolveSibling(base + ".html");
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
