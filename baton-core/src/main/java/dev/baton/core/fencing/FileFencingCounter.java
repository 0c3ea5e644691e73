package dev.baton.core.fencing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;

/**
 * A fencing counter that stays increasing across restarts of the process, for the memory store.
 *
 * <p>Tokens are reserved in blocks: before the first token of a block is issued, the block's upper
 * bound is written to the file and forced to disk, so a restart continues above everything a crashed
 * process could have issued (the scheme of Hibernate's pooled sequence optimizer and of etcd's
 * revision checkpoints). As a second line, the counter never starts below the wall clock in
 * microseconds at start, so a lost file does not send tokens back to 1 unless the wall clock also went
 * back. Tokens stay below 2<sup>53</sup> until the year 2255, so JavaScript clients read them exactly.
 *
 * <p>Thread-safe; {@link #next()} is synchronized and touches the disk once per {@code blockSize}
 * tokens.
 */
public final class FileFencingCounter implements FencingCounter {

  private final Path file;
  private final long blockSize;
  private long next;
  private long reservedUpTo;

  /**
   * Opens (or creates) the counter file.
   *
   * @param file where the reserved upper bound is kept; its parent is created if needed
   * @param blockSize tokens reserved per disk write; positive
   * @param wallMicros the wall clock in epoch microseconds now, the lowest start
   * @throws UncheckedIOException if the file cannot be read or written
   * @throws IllegalArgumentException if the file holds something other than a number
   */
  public FileFencingCounter(Path file, long blockSize, long wallMicros) {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize " + blockSize + " must be positive");
    }
    this.file = file;
    this.blockSize = blockSize;
    long stored = read(file);
    this.next = Math.max(stored, wallMicros) + 1;
    this.reservedUpTo = next - 1;
  }

  @Override
  public synchronized long next() {
    if (next > reservedUpTo) {
      long bound = next + blockSize - 1;
      write(bound);
      reservedUpTo = bound;
    }
    return next++;
  }

  private static long read(Path file) {
    try {
      if (!Files.exists(file)) {
        return 0;
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "fencing counter file " + file + " holds '" + text + "', not a number", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fencing counter file " + file, e);
    }
  }

  private void write(long bound) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap((bound + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reserve fencing tokens in " + file, e);
    }
  }
}
