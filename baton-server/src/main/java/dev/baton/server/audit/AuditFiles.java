package dev.baton.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one audit trail on disk: the current file's first and last records (to continue its
 * chain at start), the cutting off of a line left incomplete by a crash, the names of rotated files,
 * and finding the newest of them. Stateless and thread-safe; callers serialize access to one file.
 */
final class AuditFiles {

  private static final Logger log = LoggerFactory.getLogger(AuditFiles.class);
  private static final int BLOCK = 8192;

  /**
   * What the chain of a file ends with.
   *
   * @param lastSeq the last record's {@code seq}
   * @param lastHash the last record's {@code hash}
   * @param firstTs the first record's {@code ts}
   */
  record Tail(long lastSeq, String lastHash, long firstTs) {
    static final Tail EMPTY = new Tail(0, null, -1);

    boolean isEmpty() {
      return lastHash == null;
    }
  }

  private AuditFiles() {}

  /**
   * Reads the first and last records of {@code file}, first cutting off an incomplete last line (bytes
   * after the last newline, left by a write that a crash cut short), with a warning.
   *
   * @return {@link Tail#EMPTY} when the file is absent or has no complete line
   * @throws IOException if it cannot be read, or its first or last line is not a valid record
   */
  static Tail repairAndRead(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Tail.EMPTY;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = lastNewline(ch, size) + 1;
      if (end < size) {
        log.warn("audit: {} ended with {} bytes of an incomplete record (a write cut short by a crash);"
            + " cut off", file, size - end);
        ch.truncate(end);
        ch.force(true);
      }
      return read(file, ch, end);
    }
  }

  /**
   * The tail of the newest rotated file of {@code file} (the one whose last {@code seq} is highest),
   * read without changing anything.
   *
   * @return {@link Tail#EMPTY} when there is none
   */
  static Tail newestArchive(Path file) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      return Tail.EMPTY;
    }
    Pattern names = Pattern.compile(Pattern.quote(stem(file)) + "-\\d{8}T\\d{6}(_\\d+)?" + Pattern.quote(ext(file)));
    Tail newest = Tail.EMPTY;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!names.matcher(p.getFileName().toString()).matches() || !Files.isRegularFile(p)) {
          continue;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
          Tail t = read(p, ch, lastNewline(ch, ch.size()) + 1);
          if (!t.isEmpty() && (newest.isEmpty() || t.lastSeq() > newest.lastSeq())) {
            newest = t;
          }
        }
      }
    }
    return newest;
  }

  /**
   * The name {@code file} gets when rotated: {@code <stem>-<yyyyMMdd'T'HHmmss><ext>} after {@code
   * firstTsMs}, with {@code _001}, {@code _002}, ... before the extension if that name is taken (so that
   * names still sort in order).
   */
  static Path archivePath(Path file, long firstTsMs, DateTimeFormatter format) {
    String base = stem(file) + "-" + format.format(Instant.ofEpochMilli(firstTsMs));
    Path candidate = file.resolveSibling(base + ext(file));
    for (int n = 1; Files.exists(candidate); n++) {
      candidate = file.resolveSibling(base + String.format("_%03d", n) + ext(file));
    }
    return candidate;
  }

  /** The file name without its last extension: {@code audit} for {@code audit.jsonl}. */
  static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** The last extension with its dot ({@code .jsonl}), or empty. */
  static String ext(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(dot) : "";
  }

  /** Forces a folder's entries (a rename) to disk where the platform allows it; best effort. */
  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a folder; the rename reaches the disk with the next journal commit
    }
  }

  private static Tail read(Path file, FileChannel ch, long end) throws IOException {
    if (end <= 0) {
      return Tail.EMPTY;
    }
    AuditLine last = parse(file, "last", lineEndingAt(ch, end - 1));
    AuditLine first = parse(file, "first", firstLine(ch, end));
    return new Tail(last.seq(), last.hash(), first.ts());
  }

  private static AuditLine parse(Path file, String which, byte[] line) throws IOException {
    try {
      return AuditLine.parse(line);
    } catch (AuditLine.InvalidLine e) {
      throw new IOException("the " + which + " line of " + file + " is not a valid audit record (" + e.getMessage()
          + "): check it with baton audit verify, move the file aside, and start again");
    }
  }

  /** The position of the last newline before {@code size}, or -1. */
  private static long lastNewline(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BLOCK);
    for (long blockEnd = size; blockEnd > 0; blockEnd -= BLOCK) {
      long blockStart = Math.max(0, blockEnd - BLOCK);
      buf.clear().limit((int) (blockEnd - blockStart));
      readFully(ch, buf, blockStart);
      for (int i = buf.limit() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return blockStart + i;
        }
      }
    }
    return -1;
  }

  /** The line whose newline is at {@code newlineAt}, without it. */
  private static byte[] lineEndingAt(FileChannel ch, long newlineAt) throws IOException {
    long start = lastNewline(ch, newlineAt) + 1;
    return bytes(ch, start, newlineAt - start);
  }

  private static byte[] firstLine(FileChannel ch, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(BLOCK);
    for (long pos = 0; pos < end; pos += BLOCK) {
      buf.clear().limit((int) Math.min(BLOCK, end - pos));
      readFully(ch, buf, pos);
      for (int i = 0; i < buf.limit(); i++) {
        if (buf.get(i) == '\n') {
          return bytes(ch, 0, pos + i);
        }
      }
    }
    return bytes(ch, 0, end);
  }

  private static byte[] bytes(FileChannel ch, long start, long length) throws IOException {
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException("a line of " + length + " bytes is not an audit record");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) length);
    readFully(ch, buf, start);
    return buf.array();
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }
}
