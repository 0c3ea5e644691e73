package dev.baton.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code audit} section (docs/audit.md). Immutable and thread-safe; validated by {@link
 * BatonConfig#load}.
 *
 * @param file the append-only JSON-lines audit log (default {@code data/audit.jsonl}), relative to the
 *     working directory unless absolute; rotated files are written next to it
 * @param fsyncInterval how often what was written is forced to disk (default 1 s): every record
 *     reaches the operating system before its operation is acknowledged, so a process crash loses
 *     nothing, and a power loss at most this interval's records; positive
 * @param maxFileBytes the size above which the file is rotated (default 104857600, 100 MiB); at least
 *     1024. The file is also rotated when the UTC day changes.
 */
public record AuditConfig(Path file, Duration fsyncInterval, long maxFileBytes) {

  /** {@code audit.fsyncInterval} by default. */
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
  /** {@code audit.maxFileBytes} by default: 100 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 104_857_600L;
  /** The smallest {@code audit.maxFileBytes}. */
  public static final long MIN_FILE_BYTES = 1024;

  /**
   * @throws NullPointerException if {@code file} or {@code fsyncInterval} is null
   * @throws IllegalArgumentException if {@code fsyncInterval} is not positive or {@code maxFileBytes}
   *     is below {@link #MIN_FILE_BYTES}
   */
  public AuditConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    if (fsyncInterval.isZero() || fsyncInterval.isNegative()) {
      throw new IllegalArgumentException("audit.fsyncInterval " + fsyncInterval + " must be positive");
    }
    if (maxFileBytes < MIN_FILE_BYTES) {
      throw new IllegalArgumentException("audit.maxFileBytes " + maxFileBytes + " must be at least " + MIN_FILE_BYTES);
    }
  }

  /** The section with {@code file} and the default interval and size. */
  public AuditConfig(Path file) {
    this(file, DEFAULT_FSYNC_INTERVAL, DEFAULT_MAX_FILE_BYTES);
  }
}
