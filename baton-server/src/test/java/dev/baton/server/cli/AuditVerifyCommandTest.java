package dev.baton.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.audit.AuditEvent;
import dev.baton.core.audit.AuditRecord;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.FakeClock;
import dev.baton.server.audit.AuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton audit verify}: a sound chain passes; each kind of damage names its first broken line. */
class AuditVerifyCommandTest {

  private static final ResourceId DIAGNOSIS = ResourceId.parse("operation-report:42:diagnosis");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final FakeClock clock = FakeClock.nearOverflow();
  private Path file;

  @BeforeEach
  void writeTenRecords() throws IOException {
    file = dir.resolve("audit.jsonl");
    write(file, 10, 1 << 20);
  }

  private void write(Path path, int records, long maxFileBytes) throws IOException {
    try (AuditLog audit = AuditLog.open(path, "node-1", clock, maxFileBytes)) {
      for (int i = 1; i <= records; i++) {
        audit.record(new AuditRecord(i % 2 == 0 ? AuditEvent.RELEASE : AuditEvent.GRANT, DIAGNOSIS,
            "user" + i, "session" + i, (long) i, null, null));
        clock.advance(Duration.ofMillis(10));
      }
    }
  }

  private int run(String... args) {
    CommandLine cli = BatonCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private int verify(Path... files) {
    List<String> args = new ArrayList<>(List.of("audit", "verify"));
    for (Path f : files) {
      args.add(f.toString());
    }
    return run(args.toArray(String[]::new));
  }

  private List<String> lines() throws IOException {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void rewrite(List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void aSoundFilePasses() {
    assertThat(verify(file)).isZero();
    assertThat(out.toString().trim()).isEqualTo("OK: 10 records in 1 file");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anEditedLineIsFound() throws IOException {
    List<String> lines = lines();
    lines.set(4, lines.get(4).replace("\"userId\":\"user5\"", "\"userId\":\"mallory\""));
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim())
        .isEqualTo("BROKEN: " + file + ":5: the hash does not match the line: the line was changed after it was written");
  }

  @Test
  void anEditedLineWithARecomputedHashBreaksTheNextLink() throws IOException {
    List<String> lines = lines();
    String edited = lines.get(4).replace("\"token\":5", "\"token\":6");
    String body = edited.substring(0, edited.lastIndexOf(",\"hash\":\"")) + "}";
    String hash;
    try {
      hash = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    lines.set(4, body.substring(0, body.length() - 1) + ",\"hash\":\"" + hash + "\"}");
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString()).startsWith("BROKEN: " + file + ":6: prev does not match");
  }

  @Test
  void aRemovedLineIsFound() throws IOException {
    List<String> lines = lines();
    lines.remove(6);
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim())
        .isEqualTo("BROKEN: " + file + ":7: seq 8 where 7 was expected: a record is missing, repeated or out of order");
  }

  @Test
  void aRemovedFirstLineIsFound() throws IOException {
    List<String> lines = lines();
    lines.remove(0);
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString()).startsWith("BROKEN: " + file + ":1: seq 2 where 1 was expected: the chain does not start here");
  }

  @Test
  void aRemovedLastLineIsNotDetectableByTheFileAlone() throws IOException {
    // The end of a chain is only known to whoever saw it (docs/audit.md: anchor the last hash elsewhere).
    List<String> lines = lines();
    lines.remove(9);
    rewrite(lines);

    assertThat(verify(file)).isZero();
    assertThat(out.toString().trim()).isEqualTo("OK: 9 records in 1 file");
  }

  @Test
  void twoSwappedLinesAreFound() throws IOException {
    List<String> lines = lines();
    Collections.swap(lines, 2, 3);
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim())
        .isEqualTo("BROKEN: " + file + ":3: seq 4 where 3 was expected: a record is missing, repeated or out of order");
  }

  @Test
  void aTruncatedLastLineIsReported() throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 20));

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim()).startsWith("BROKEN: " + file + ":10: the last line is incomplete");
  }

  @Test
  void garbageAfterTheLastRecordIsReported() throws IOException {
    Files.writeString(file, "{\"seq\":11,\"garbage\n", StandardOpenOption.APPEND);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim()).startsWith("BROKEN: " + file + ":11: not an audit record");
  }

  @Test
  void aBlankLineIsReported() throws IOException {
    List<String> lines = lines();
    lines.add(3, "");
    rewrite(lines);

    assertThat(verify(file)).isEqualTo(1);
    assertThat(out.toString().trim()).isEqualTo("BROKEN: " + file + ":4: empty line");
  }

  @Test
  void aCleanRotatedChainPassesInOrderAndFailsOutOfOrder() throws IOException {
    Path rotated = dir.resolve("rotated/audit.jsonl");
    write(rotated, 40, 1024);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(rotated.getParent())) {
      s.filter(p -> !p.equals(rotated) && p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
    }
    files.add(rotated);
    assertThat(files.size()).isGreaterThan(3);

    assertThat(verify(files.toArray(Path[]::new))).isZero();
    assertThat(out.toString().trim()).isEqualTo("OK: 40 records in " + files.size() + " files");

    out.getBuffer().setLength(0);
    List<Path> swapped = new ArrayList<>(files);
    Collections.swap(swapped, 1, 2);
    assertThat(verify(swapped.toArray(Path[]::new))).isEqualTo(1);
    assertThat(out.toString()).startsWith("BROKEN: " + swapped.get(1) + ":1: seq ");

    out.getBuffer().setLength(0);
    assertThat(verify(files.get(0), files.get(2))).as("a missing middle file").isEqualTo(1);
    assertThat(out.toString()).startsWith("BROKEN: " + files.get(2) + ":1: seq ");
  }

  @Test
  void partialAcceptsAChainThatContinuesAnEarlierFile() throws IOException {
    Path rotated = dir.resolve("rotated/audit.jsonl");
    write(rotated, 40, 1024);

    assertThat(verify(rotated)).isEqualTo(1);
    assertThat(out.toString()).contains(":1: seq ").contains("use --partial");
    out.getBuffer().setLength(0);
    assertThat(run("audit", "verify", "--partial", rotated.toString())).isZero();
    assertThat(out.toString()).startsWith("OK: ");
  }

  @Test
  void aMissingFileIsReported() {
    Path missing = dir.resolve("nope.jsonl");

    assertThat(verify(missing)).isEqualTo(1);
    assertThat(out.toString()).startsWith("BROKEN: " + missing + ": no such file");
  }

  @Test
  void withoutFilesItIsAUsageError() {
    assertThat(run("audit", "verify")).isEqualTo(2);
    assertThat(run("audit")).isEqualTo(2);
  }
}
