package dev.baton.server.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive hold of one node on an audit file, so that two nodes started with the same {@code
 * audit.file} cannot interleave their chains (docs/audit.md). The lock is an operating-system lock
 * ({@link FileChannel#tryLock()}) on the hidden sibling file {@code .<audit file name>.lock} (hidden, so
 * that a glob of the audit files does not pass it to {@code baton audit verify}), not on the audit file
 * itself, because the audit file is renamed on rotation and opened again by the start-up repair. The
 * lock file stays on disk after {@link #close} (removing it would race with a node starting); only the
 * lock matters, and the operating system drops it when the process dies.
 *
 * <p>On Linux the lock is a POSIX record lock, which the process loses when it closes <em>any</em>
 * channel on the file; so a second attempt within the same JVM is refused from a process-wide set of
 * held files before it opens a channel, and {@link OverlappingFileLockException} is handled as well.
 *
 * <p>Thread-safe; {@link #close} is idempotent.
 */
final class AuditFileLock implements Closeable {

  /** The lock files held by this JVM (absolute, normalized). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private boolean closed;

  private AuditFileLock(Path lockFile, FileChannel channel) {
    this.lockFile = lockFile;
    this.channel = channel;
  }

  /**
   * Takes the lock of {@code auditFile}, creating its folder and lock file if needed.
   *
   * @param auditFile the audit file, absolute and normalized
   * @throws IOException if the lock file cannot be opened, or another process (or another audit log of
   *     this one) holds the lock; the message says to give each node its own {@code audit.file}
   */
  static AuditFileLock acquire(Path auditFile) throws IOException {
    Path lockFile = auditFile.resolveSibling("." + auditFile.getFileName() + ".lock");
    if (!HELD.add(lockFile)) {
      throw inUse(lockFile);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(lockFile.getParent());
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(lockFile);
      }
      return new AuditFileLock(lockFile, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      HELD.remove(lockFile);
      throw e;
    }
  }

  /** Releases the lock (closing the channel drops it). */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      HELD.remove(lockFile);
    }
  }

  private static IOException inUse(Path lockFile) {
    return new IOException("another Baton node holds it (lock " + lockFile
        + "); give each node its own audit.file");
  }
}
