package dev.baton.server.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one load-generator run does. Immutable and thread-safe.
 *
 * <p>Layout: connection {@code i} goes to {@code urls[i % urls.size()]} from {@code
 * sourceAddresses[i % sourceAddresses.size()]}. The first {@code documents * (1 + viewers)}
 * connections form the documents: each document has one actor (the connection that acquires, renews
 * and releases its lock) and {@code viewers} viewers; every one of them joins the document's resource.
 * The remaining connections are idle: each joins a resource of its own and only heartbeats.
 *
 * @param urls WebSocket URLs of the nodes ({@code ws://127.0.0.1:8080/v1/ws}); loopback only
 * @param metricsUrls the {@code /metrics} URL of each node, scraped for heap, RSS and CPU
 * @param sourceAddresses local addresses to bind the client sockets to; loopback only
 * @param connections connections to open, at least {@code documents * (1 + viewers)}
 * @param documents documents with an actor each
 * @param viewers viewers per document, besides its actor
 * @param rate lock operations per second, open loop, over all actors
 * @param warmup how long each step runs before it is measured
 * @param duration how long each step is measured
 * @param renewsPerCycle renewals between an acquire and its release: the mix is acquire : renew :
 *     release = 1 : {@code renewsPerCycle} : 1
 * @param secret the server's HMAC secret (at least 32 bytes), to mint one token per connection
 * @param issuer the {@code iss} claim the server expects, or null
 * @param audience the {@code aud} claim the server expects, or null
 * @param eventLoops Vert.x event loops of the generator
 * @param connectConcurrency connection handshakes in flight at once
 * @param opTimeout an operation without a reply after this long counts as {@code TIMEOUT}
 * @param search the max-rate search, or null for one step at {@code rate}
 * @param serverPids process ids of the nodes (same machine): enables a full GC before each heap
 *     reading ({@code jcmd PID GC.run}), so that heap figures count live objects only
 * @param quiet no progress lines (tests)
 */
public record LoadConfig(
    List<URI> urls,
    List<URI> metricsUrls,
    List<String> sourceAddresses,
    int connections,
    int documents,
    int viewers,
    double rate,
    Duration warmup,
    Duration duration,
    int renewsPerCycle,
    String secret,
    String issuer,
    String audience,
    int eventLoops,
    int connectConcurrency,
    Duration opTimeout,
    RateSearch search,
    List<Long> serverPids,
    boolean quiet) {

  /**
   * The stepwise search for the highest rate whose acquire p99 stays within a limit.
   *
   * @param p99Limit the acquire p99 a step must stay within to pass
   * @param factor each passing step multiplies the rate by this, above 1
   * @param maxSteps steps at most, refinements included
   * @param refinements bisection steps between the last pass and the first failure
   */
  public record RateSearch(Duration p99Limit, double factor, int maxSteps, int refinements) {}

  /** @throws IllegalArgumentException naming the option, for an impossible value */
  public LoadConfig {
    urls = List.copyOf(urls);
    metricsUrls = List.copyOf(metricsUrls);
    sourceAddresses = List.copyOf(sourceAddresses);
    serverPids = List.copyOf(serverPids);
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(opTimeout, "opTimeout");
    require(!urls.isEmpty(), "--url: at least one");
    require(!sourceAddresses.isEmpty(), "--source-addresses: at least one");
    require(documents >= 0, "--documents must be 0 or more");
    require(viewers >= 0, "--viewers must be 0 or more");
    require(connections >= 1, "--connections must be at least 1");
    require((long) documents * (1 + viewers) <= connections,
        "--connections " + connections + " is below --documents x (1 + --viewers) = "
            + (long) documents * (1 + viewers));
    require(rate > 0, "--rate must be positive");
    require(documents > 0 || search == null, "--max-rate-search needs --documents of at least 1");
    require(!warmup.isNegative(), "--warmup must not be negative");
    require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
    require(renewsPerCycle >= 0, "--renews must be 0 or more");
    require(eventLoops >= 1, "--event-loops must be at least 1");
    require(connectConcurrency >= 1, "--connect-concurrency must be at least 1");
    require(opTimeout.toMillis() >= 100, "--op-timeout must be at least 100ms");
    if (search != null) {
      require(search.factor() > 1, "--search-factor must be above 1");
      require(search.maxSteps() >= 1, "--search-steps must be at least 1");
      require(search.refinements() >= 0, "--search-refinements must be 0 or more");
      require(search.p99Limit().toNanos() > 0, "--p99-limit must be positive");
    }
  }

  /** Connections that belong to a document (actors and viewers). */
  public int documentConnections() {
    return documents * (1 + viewers);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
