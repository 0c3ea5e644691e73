package dev.baton.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code store} section. Immutable and thread-safe; validated by {@link BatonConfig#load}.
 *
 * @param type memory (default) or redis
 * @param sweepInterval how often expired locks, graces and takeover deadlines are retired and
 *     announced (default 250 ms); positive. Correctness never depends on it, announcement latency does.
 * @param tokenFile where the memory store reserves fencing-token blocks (default
 *     {@code data/fencing-counter}), relative to the working directory unless absolute
 */
public record StoreConfig(StoreType type, Duration sweepInterval, Path tokenFile) {

  /** @throws NullPointerException if a component is null */
  public StoreConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(tokenFile, "tokenFile");
  }
}
