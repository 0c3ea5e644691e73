package dev.baton.server.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks audit files ({@code baton audit verify FILE...}): every line's hash, the {@code prev} chain
 * and the {@code seq} count, across the files in the order given, stopping at the first broken line.
 * A full chain starts at {@code seq} 1 with {@code prev} of 64 zeros; with {@code partial}, the first
 * record given may continue an earlier file that is not given (its link to that file is then not
 * checked). Thread-safe (stateless).
 */
public final class AuditVerifier {

  /**
   * The outcome.
   *
   * @param records how many records were checked and found sound
   * @param files how many files were read
   * @param brokenFile the file of the first broken line, or null when all is sound
   * @param brokenLine its line number (from 1) in that file, or 0 when the file could not be read
   * @param problem what is wrong with it, in words, or null
   */
  public record Result(long records, int files, Path brokenFile, long brokenLine, String problem) {

    /** Whether every line of every file is sound. */
    public boolean ok() {
      return brokenFile == null;
    }

    /** {@code OK: N records in M files} or {@code BROKEN: <file>:<line>: <problem>}. */
    public String summary() {
      if (ok()) {
        return "OK: " + records + (records == 1 ? " record" : " records") + " in " + files
            + (files == 1 ? " file" : " files");
      }
      return "BROKEN: " + brokenFile + (brokenLine > 0 ? ":" + brokenLine : "") + ": " + problem;
    }
  }

  private AuditVerifier() {}

  /**
   * Verifies {@code files} as one chain, in the order given.
   *
   * @param partial accept a first record that continues an earlier file not given
   */
  public static Result verify(List<Path> files, boolean partial) {
    long records = 0;
    long expectedSeq = partial ? -1 : 1;
    String expectedPrev = partial ? null : AuditLog.ZERO_HASH;
    int read = 0;
    for (Path file : files) {
      read++;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65_536)) {
        long lineNo = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        int b;
        boolean more = true;
        while (more) {
          line.reset();
          while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
          }
          more = b >= 0;
          if (!more && line.size() == 0) {
            break;
          }
          lineNo++;
          if (!more) {
            return new Result(records, read, file, lineNo,
                "the last line is incomplete (no newline at its end): a write was cut short or the file was truncated");
          }
          AuditLine record;
          try {
            record = AuditLine.parse(line.toByteArray());
          } catch (AuditLine.InvalidLine e) {
            return new Result(records, read, file, lineNo, e.getMessage());
          }
          if (expectedSeq >= 0 && record.seq() != expectedSeq) {
            return new Result(records, read, file, lineNo, "seq " + record.seq() + " where " + expectedSeq
                + " was expected: " + (expectedSeq == 1 && records == 0
                    ? "the chain does not start here (give the earlier files first, or use --partial)"
                    : "a record is missing, repeated or out of order"));
          }
          if (expectedPrev != null && !record.prev().equals(expectedPrev)) {
            return new Result(records, read, file, lineNo, records == 0
                ? "prev is not " + expectedPrev + ": the chain does not start here (give the earlier files"
                    + " first, or use --partial)"
                : "prev does not match the hash of the record before: a record was removed, replaced or moved");
          }
          records++;
          expectedSeq = record.seq() + 1;
          expectedPrev = record.hash();
        }
      } catch (java.nio.file.NoSuchFileException e) {
        return new Result(records, read, file, 0, "no such file (nothing to verify)");
      } catch (IOException e) {
        return new Result(records, read, file, 0, "cannot be read: " + e);
      }
    }
    return new Result(records, read, null, 0, null);
  }
}
