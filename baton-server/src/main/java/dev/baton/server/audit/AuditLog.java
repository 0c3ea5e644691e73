package dev.baton.server.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.baton.core.audit.AuditRecord;
import dev.baton.core.audit.AuditTrail;
import dev.baton.core.time.Clock;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail as an append-only file of JSON lines, hash-chained (SPEC section 6; the format is in
 * docs/audit.md). Each record is one line {@code {seq, ts, node, event, resource, userId, sessionId,
 * token, actor, reason, prev, hash}}: {@code seq} counts from 1 across rotated files, {@code ts} is the
 * injected clock's wall time in epoch ms, {@code prev} is the previous line's {@code hash} (64 zeros for
 * the very first), and {@code hash} is the SHA-256 (lower-case hex) of the line's UTF-8 bytes written
 * without the hash, that is {@code {...,"prev":"..."}}; the written line is that text with {@code
 * ,"hash":"<hex>"} inserted before its final {@code }}.
 *
 * <p><b>Durability.</b> {@link #record} writes the line with one {@link FileChannel#write} before it
 * returns: the record has reached the operating system before the caller goes on to acknowledge the
 * operation, so a crash of the process loses nothing. {@link #sync} forces the file to the disk; the
 * {@link AuditFlusher} calls it every {@code audit.fsyncInterval} (group commit), so a power loss may
 * lose the records of the last interval.
 *
 * <p><b>Rotation.</b> Before a record that would take the file past {@code maxFileBytes}, or whose UTC
 * day differs from the day of the file's first record, the file is renamed {@code
 * <stem>-<yyyyMMdd'T'HHmmss><ext>} after the time of its first record (UTC; {@code _001}, {@code
 * _002}, ... appended on a clash) and a new file is started. The chain continues: {@code seq} goes
 * on and the new file's first {@code prev} is the old file's last {@code hash}. A single record larger
 * than {@code maxFileBytes} gets a file of its own.
 *
 * <p><b>Exclusive.</b> The log holds an exclusive lock on {@code .<file name>.lock} next to it from {@link #open} to
 * {@link #close}, so a second node given the same file is refused at start ({@link AuditFileLock}).
 *
 * <p><b>Start.</b> The last line of an existing file gives {@code seq} and {@code prev} (when the file
 * is absent or empty, the newest rotated file next to it does). An incomplete last line (no newline:
 * a write cut short by a crash) is cut off, with a warning. A last line that is not a valid record
 * refuses the start.
 *
 * <p><b>Failures.</b> A write that fails (disk full) is logged at ERROR with the record's text, the
 * log reports itself unhealthy ({@link #healthy}, for readiness) until a write succeeds again, and
 * the record's {@code seq} stays used, so that {@code baton audit verify} reports the gap. The
 * operation that caused the record is not undone. {@link #record} never throws.
 *
 * <p>Thread-safe: writes are serialized on this object; {@link #sync} forces outside that lock, so a
 * slow disk flush never holds up a writer.
 */
public final class AuditLog implements AuditTrail, Closeable {

  /** The {@code prev} of the very first record. */
  public static final String ZERO_HASH = "0".repeat(64);
  /** What every line ends with after its hash. */
  static final String HASH_FIELD = ",\"hash\":\"";

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final DateTimeFormatter ARCHIVE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
  private static final long DAY_MS = Duration.ofDays(1).toMillis();
  /** A rotation that failed is tried again after this long, not on every record. */
  private static final long ROTATION_RETRY_MS = Duration.ofMinutes(1).toMillis();

  /** One line before its hash, fields in the documented order; nulls are written as null. */
  @JsonPropertyOrder({
    "seq", "ts", "node", "event", "resource", "userId", "sessionId", "token", "actor", "reason", "prev"
  })
  record Line(long seq, long ts, String node, String event, String resource, String userId,
      String sessionId, Long token, String actor, String reason, String prev) {}

  private final Path file;
  private final String node;
  private final Clock clock;
  private final long maxFileBytes;
  private final ObjectMapper json = JsonMapper.builder().build();
  private final MessageDigest sha256;
  private final AuditFileLock lock;

  // Guarded by this.
  private FileChannel channel;
  /** The identity (device and inode) of the file {@link #channel} writes to. */
  private Object openedKey;
  private long size;
  /** Wall ms of the current file's first record; -1 while the file is empty. */
  private long firstTs;
  private long seq;
  private String prev;
  private boolean dirty;
  private final List<FileChannel> retired = new ArrayList<>();
  private long rotationRetryAtMs = Long.MIN_VALUE;
  private boolean closed;

  private volatile boolean healthy = true;

  private AuditLog(Path file, String node, Clock clock, long maxFileBytes, AuditFileLock lock) {
    this.file = file;
    this.lock = lock;
    this.node = node;
    this.clock = clock;
    this.maxFileBytes = maxFileBytes;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Opens (or creates, with its folder) the audit file and continues its chain.
   *
   * @param file the current audit file ({@code audit.file})
   * @param node this node's id, written in every record
   * @param clock gives {@code ts}, and the day for rotation
   * @param maxFileBytes the size above which the file is rotated; at least 1024
   * @throws IOException if the file cannot be opened, another node (process or audit log) holds it (see
   *     {@link AuditFileLock}), or its last line is not a valid record
   */
  public static AuditLog open(Path file, String node, Clock clock, long maxFileBytes) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(clock, "clock");
    if (maxFileBytes < 1024) {
      throw new IllegalArgumentException("maxFileBytes " + maxFileBytes + " must be at least 1024");
    }
    Path absolute = file.toAbsolutePath().normalize();
    AuditFileLock lock = AuditFileLock.acquire(absolute);
    AuditLog audit = new AuditLog(absolute, node, clock, maxFileBytes, lock);
    try {
      audit.continueChain();
    } catch (IOException | RuntimeException e) {
      audit.close();
      throw e;
    }
    return audit;
  }

  /** Reads where the chain on disk ends (repairing a cut-off last line) and opens the file for appending. */
  private synchronized void continueChain() throws IOException {
    AuditFiles.Tail tail = AuditFiles.repairAndRead(file);
    if (tail.isEmpty()) {
      tail = AuditFiles.newestArchive(file);
    } else {
      firstTs = tail.firstTs();
    }
    seq = tail.isEmpty() ? 0 : tail.lastSeq();
    prev = tail.isEmpty() ? ZERO_HASH : tail.lastHash();
    ensureOpen();
  }

  /** Writes {@code record} as the next line of the chain; see the class comment. Never throws. */
  @Override
  public void record(AuditRecord record) {
    synchronized (this) {
      String line = null;
      try {
        long ts = clock.wallMillis();
        String body = json.writeValueAsString(new Line(seq + 1, ts, node, record.event().wireName(),
            record.resource() == null ? null : record.resource().toString(), record.userId(),
            record.sessionId(), record.token(), record.actor(), record.reason(), prev));
        String hash = HexFormat.of().formatHex(sha256.digest(body.getBytes(StandardCharsets.UTF_8)));
        line = body.substring(0, body.length() - 1) + HASH_FIELD + hash + "\"}";
        seq++;
        if (closed) {
          throw new IOException("the audit log is closed");
        }
        write(ts, (line + "\n").getBytes(StandardCharsets.UTF_8));
        prev = hash;
        if (!healthy) {
          healthy = true;
          log.info("audit log {} is written again, from seq {}", file, seq);
        }
      } catch (IOException | RuntimeException e) {
        failed(e, line == null ? String.valueOf(record) : line);
      }
    }
  }

  /**
   * Forces what was written since the last call to the disk, and finishes rotated files (forced,
   * closed). Called by the {@link AuditFlusher}; never from an event loop.
   */
  public void sync() {
    FileChannel current;
    List<FileChannel> done;
    synchronized (this) {
      current = dirty ? channel : null;
      dirty = false;
      done = List.copyOf(retired);
      retired.clear();
    }
    for (FileChannel old : done) {
      try (old) {
        old.force(true);
      } catch (IOException e) {
        log.error("audit: cannot force a rotated file of {}: {}", file, e.toString());
      }
    }
    if (!done.isEmpty()) {
      AuditFiles.forceDirectory(file.getParent());
    }
    if (current != null) {
      try {
        current.force(false);
      } catch (ClosedChannelException e) {
        // rotated (forced on the next call) or closed (forced by close)
      } catch (IOException e) {
        log.error("audit: cannot force {} to disk: {}", file, e.toString());
        synchronized (this) {
          dirty = true;
        }
      }
    }
  }

  /** Whether the last write succeeded; false while writes fail (for readiness). */
  public boolean healthy() {
    return healthy;
  }

  /** The current file. */
  public Path file() {
    return file;
  }

  /** The {@code seq} of the last record written (or lost to a failed write); 0 before the first. */
  public synchronized long lastSeq() {
    return seq;
  }

  /** Whether something was written since the last {@link #sync}, for tests. */
  synchronized boolean unsynced() {
    return dirty;
  }

  /**
   * Forces and closes the file and releases its lock; later records are lost (logged at ERROR).
   * Idempotent.
   */
  @Override
  public void close() {
    List<FileChannel> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(retired);
      retired.clear();
      if (channel != null) {
        all.add(channel);
        channel = null;
      }
    }
    for (FileChannel ch : all) {
      try (ch) {
        ch.force(true);
      } catch (IOException e) {
        log.error("audit: cannot force {} on close: {}", file, e.toString());
      }
    }
    try {
      lock.close();
    } catch (IOException e) {
      log.warn("audit: cannot release the lock of {}: {}", file, e.toString());
    }
  }

  // ---------------------------------------------------------------- internals (this held)

  private void write(long ts, byte[] bytes) throws IOException {
    if (channel != null && !stillOurs()) {
      log.error("audit: {} was removed or replaced while open; writing on to a new {} from seq {}, so that"
          + " `baton audit verify` shows the break", file, file.getFileName(), seq);
      channel.close();
      channel = null;
    }
    ensureOpen();
    if (size > 0 && (size + bytes.length > maxFileBytes || Math.floorDiv(ts, DAY_MS) != Math.floorDiv(firstTs, DAY_MS))
        && ts >= rotationRetryAtMs) {
      try {
        rotate(ts);
      } catch (IOException e) {
        rotationRetryAtMs = ts + ROTATION_RETRY_MS;
        log.warn("audit: cannot rotate {} ({}); writing on to it, next try in a minute", file, e.toString());
      }
      ensureOpen();
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    if (size == 0) {
      firstTs = ts;
    }
    size += bytes.length;
    dirty = true;
  }

  private void rotate(long ts) throws IOException {
    Path archive = AuditFiles.archivePath(file, firstTs >= 0 ? firstTs : ts, ARCHIVE_TIME);
    Files.move(file, archive);
    retired.add(channel);
    channel = null;
    size = 0;
    firstTs = -1;
    log.info("audit: rotated {} to {} at seq {}", file, archive.getFileName(), seq - 1);
  }

  private void ensureOpen() throws IOException {
    if (channel != null) {
      return;
    }
    Files.createDirectories(file.getParent());
    if (Files.exists(file)) {
      AuditFiles.Tail tail = AuditFiles.repairAndRead(file);
      firstTs = tail.isEmpty() ? -1 : tail.firstTs();
    } else {
      firstTs = -1;
    }
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
    openedKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  /**
   * Whether the path still names the file we opened: a file removed (or replaced, as {@code sed -i} and
   * most editors do) while open would otherwise swallow every later record. One stat per record.
   */
  private boolean stillOurs() {
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return key == null || key.equals(openedKey);
    } catch (IOException e) {
      return false;
    }
  }

  private void failed(Exception e, String line) {
    if (healthy) {
      healthy = false;
    }
    log.error("audit: record seq {} could not be written to {} ({}); the record: {}", seq, file, e.toString(), line);
    if (channel != null) {
      try {
        channel.truncate(size);
      } catch (IOException ignored) {
        // the reopen cuts off an incomplete line
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      channel = null;
    }
  }

  /** For tests: the archive name of a file whose first record was written at {@code firstTsMs}. */
  static String archiveTime(long firstTsMs) {
    return ARCHIVE_TIME.format(Instant.ofEpochMilli(firstTsMs));
  }
}
