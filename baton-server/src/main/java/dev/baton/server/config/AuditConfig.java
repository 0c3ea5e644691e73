package dev.baton.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code audit} section. Immutable and thread-safe.
 *
 * @param file the append-only JSON-lines audit log (default {@code data/audit.jsonl}), relative to the
 *     working directory unless absolute
 */
public record AuditConfig(Path file) {

  /** @throws NullPointerException if {@code file} is null */
  public AuditConfig {
    Objects.requireNonNull(file, "file");
  }
}
