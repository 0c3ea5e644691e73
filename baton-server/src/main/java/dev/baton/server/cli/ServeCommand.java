package dev.baton.server.cli;

import dev.baton.core.time.Clock;
import dev.baton.server.BatonServer;
import dev.baton.server.config.BatonConfig;
import dev.baton.server.config.ConfigException;
import dev.baton.server.config.Overrides;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton serve}: loads the configuration (file, {@code BATON_*} environment, these flags), starts
 * the server and runs until the process is told to stop (SIGTERM or Ctrl-C), then drains. Exit code
 * 1 when the configuration is refused, with the message naming the key, and when the listen address
 * cannot be bound (a port in use), with one line naming {@code host:port} and the cause; messages go
 * to the command line's err writer (standard error unless the caller set another).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Baton node.")
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
  Path config;

  @Option(names = "--host", description = "listen address (server.host)")
  String host;

  @Option(names = "--port", description = "listen port (server.port); 0 picks a free one")
  Integer port;

  @Option(names = "--dev", description = "dev mode: loopback only, random secret, POST /dev/token")
  boolean dev;

  @Option(names = "--store", paramLabel = "memory|redis", description = "store.type")
  String store;

  @Option(names = "--redis-uri", paramLabel = "URI", description = "redis.uri")
  String redisUri;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    BatonConfig loaded;
    try {
      loaded = BatonConfig.load(config, System.getenv(), new Overrides(host, port, dev, store, redisUri));
    } catch (ConfigException e) {
      return refused(err, "configuration refused: " + e.getMessage());
    }
    BatonServer server;
    try {
      server = new BatonServer(loaded, Clock.system());
    } catch (ConfigException e) {
      return refused(err, "configuration refused: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return refused(err, e.getMessage());
    }
    try {
      server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      BindException bind = bindFailure(e);
      if (bind == null) {
        throw e;
      }
      server.stop(Duration.ofSeconds(10));
      return refused(err, "cannot listen on " + loaded.server().host() + ":" + loaded.server().port() + ": "
          + bind.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }, "baton-shutdown"));
    stopped.await();
    return 0;
  }

  private static int refused(PrintWriter err, String message) {
    err.println("baton: " + message);
    err.flush();
    return 1;
  }

  /** The {@link BindException} in {@code e}'s cause chain (the listener could not bind), or null. */
  private static BindException bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    return null;
  }
}
