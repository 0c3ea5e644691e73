package dev.baton.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident set size, read from {@code /proc/self/status} ({@code VmRSS}) each time it
 * is asked. Linux only: elsewhere, or when the file cannot be read, {@link #bytes()} is NaN, which
 * Prometheus shows as {@code NaN}. Thread-safe (stateless).
 */
final class ResidentMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ResidentMemory() {}

  /** The resident set size in bytes, or NaN when unknown. */
  static double bytes() {
    try {
      return parseVmRssKiB(Files.readString(STATUS)) * 1024.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The {@code VmRSS} line of a {@code /proc/<pid>/status} text, in KiB.
   *
   * @throws IllegalArgumentException if the text has no {@code VmRSS} line
   */
  static long parseVmRssKiB(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String value = line.substring("VmRSS:".length()).trim();
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space));
      }
    }
    throw new IllegalArgumentException("no VmRSS line");
  }
}
