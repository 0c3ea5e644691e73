package dev.baton.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.audit.AuditEvent;
import dev.baton.core.audit.AuditRecord;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.FakeClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit file: format, hashing rule, chain across reopen and rotation, recovery at start. */
class AuditLogTest {

  private static final ResourceId DIAGNOSIS = ResourceId.parse("operation-report:42:diagnosis");
  /** 2025-11-29 23:59:00 UTC. */
  private static final long BEFORE_MIDNIGHT = Instant.parse("2025-11-29T23:59:00Z").toEpochMilli();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final FakeClock clock = new FakeClock(0, BEFORE_MIDNIGHT);

  private Path file() {
    return dir.resolve("audit.jsonl");
  }

  private AuditLog open(long maxFileBytes) throws IOException {
    return AuditLog.open(file(), "node-1", clock, maxFileBytes);
  }

  private static AuditRecord grant(String userId, long token) {
    return new AuditRecord(AuditEvent.GRANT, DIAGNOSIS, userId, "s-" + userId, token, null, null);
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Every file of the trail, oldest first: the rotated ones by name, then the current one. */
  private List<Path> chain() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().matches("audit-.*\\.jsonl")).sorted().forEach(files::add);
    }
    files.add(file());
    return files;
  }

  @Test
  void aLineHasTheDocumentedFieldsInOrderAndItsHashIsTheHashOfTheLineWithoutIt() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 42));
      audit.record(new AuditRecord(AuditEvent.SESSION_END, null, "alice", "s-alice", null, null, "bye"));
    }

    List<String> lines = lines(file());
    assertThat(lines).hasSize(2);
    String first = lines.get(0);
    assertThat(first).startsWith("{\"seq\":1,\"ts\":" + BEFORE_MIDNIGHT + ",\"node\":\"node-1\",\"event\":\"grant\","
        + "\"resource\":\"operation-report:42:diagnosis\",\"userId\":\"alice\",\"sessionId\":\"s-alice\","
        + "\"token\":42,\"actor\":null,\"reason\":null,\"prev\":\"" + "0".repeat(64) + "\",\"hash\":\"");
    int cut = first.lastIndexOf(",\"hash\":\"");
    String hash = first.substring(cut + 9, first.length() - 2);
    assertThat(first).endsWith("\"}");
    assertThat(hash).isEqualTo(sha256(first.substring(0, cut) + "}")).matches("[0-9a-f]{64}");

    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("seq").asLong()).isEqualTo(2);
    assertThat(second.get("event").asText()).isEqualTo("session.end");
    assertThat(second.get("resource").isNull()).isTrue();
    assertThat(second.get("token").isNull()).isTrue();
    assertThat(second.get("reason").asText()).isEqualTo("bye");
    assertThat(second.get("prev").asText()).isEqualTo(hash);
    List<String> names = new ArrayList<>();
    second.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly(
        "seq", "ts", "node", "event", "resource", "userId", "sessionId", "token", "actor", "reason", "prev", "hash");
  }

  @Test
  void quotesControlCharactersAndUnicodeInAReasonKeepTheLineVerifiable() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(new AuditRecord(AuditEvent.REVOCATION, DIAGNOSIS, "alice", "s", 7L, "root",
          "\"quoted\"\n\ttab, Ümlaut, 患者, emoji \uD83D\uDE91, \\ backslash"));
    }

    assertThat(lines(file())).hasSize(1);
    assertThat(AuditVerifier.verify(List.of(file()), false).summary()).isEqualTo("OK: 1 record in 1 file");
    assertThat(JSON.readTree(lines(file()).get(0)).get("reason").asText()).contains("患者", "\n");
  }

  @Test
  void aFileRemovedOrReplacedWhileOpenDoesNotSwallowLaterRecords() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 1));
      Files.delete(file());
      audit.record(grant("bob", 2));
      assertThat(lines(file())).as("bob's record, in a new file at the path").hasSize(1);
      Path copy = dir.resolve("copy");
      Files.copy(file(), copy);
      Files.move(copy, file(), StandardCopyOption.REPLACE_EXISTING); // what sed -i and editors do
      audit.record(grant("carol", 3));
    }

    List<String> lines = lines(file());
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(0)).get("seq").asLong()).isEqualTo(2);
    assertThat(JSON.readTree(lines.get(1)).get("seq").asLong()).as("carol's record, after the copy").isEqualTo(3);
  }

  @Test
  void aReopenedLogContinuesSeqAndChainFromTheLastLine() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 1));
      audit.record(grant("bob", 2));
    }
    try (AuditLog audit = open(1 << 20)) {
      assertThat(audit.lastSeq()).isEqualTo(2);
      audit.record(grant("carol", 3));
    }

    JsonNode third = JSON.readTree(lines(file()).get(2));
    assertThat(third.get("seq").asLong()).isEqualTo(3);
    assertThat(third.get("prev").asText()).isEqualTo(JSON.readTree(lines(file()).get(1)).get("hash").asText());
    assertThat(AuditVerifier.verify(List.of(file()), false).ok()).isTrue();
  }

  @Test
  void rotationBySizeKeepsEachFileUnderTheLimitAndTheChainWhole() throws Exception {
    try (AuditLog audit = open(1024)) {
      for (int i = 1; i <= 30; i++) {
        audit.record(grant("user" + i, i));
        clock.advance(Duration.ofMillis(1));
      }
    }

    List<Path> files = chain();
    assertThat(files.size()).isGreaterThan(5);
    for (Path f : files) {
      assertThat(Files.size(f)).as("%s", f).isLessThanOrEqualTo(1024).isPositive();
    }
    assertThat(files.get(0).getFileName().toString())
        .isEqualTo("audit-" + AuditLog.archiveTime(BEFORE_MIDNIGHT) + ".jsonl")
        .isEqualTo("audit-20251129T235900.jsonl");
    AuditVerifier.Result result = AuditVerifier.verify(files, false);
    assertThat(result.summary()).isEqualTo("OK: 30 records in " + files.size() + " files");
    JsonNode firstOfSecond = JSON.readTree(lines(files.get(1)).get(0));
    List<String> firstFile = lines(files.get(0));
    assertThat(firstOfSecond.get("prev").asText())
        .isEqualTo(JSON.readTree(firstFile.get(firstFile.size() - 1)).get("hash").asText());
    assertThat(firstOfSecond.get("seq").asLong()).isEqualTo(firstFile.size() + 1);
  }

  @Test
  void rotationAtTheUtcDayNamesTheFileAfterItsFirstRecord() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 1));
      clock.advance(Duration.ofSeconds(59));
      audit.record(grant("bob", 2));
      clock.advance(Duration.ofSeconds(1)); // 2025-11-30 00:00:00 UTC
      audit.record(grant("carol", 3));
    }

    Path archive = dir.resolve("audit-20251129T235900.jsonl");
    assertThat(lines(archive)).hasSize(2);
    assertThat(lines(file())).hasSize(1);
    assertThat(AuditVerifier.verify(List.of(archive, file()), false).summary()).isEqualTo("OK: 3 records in 2 files");
  }

  @Test
  void aNameClashGetsANumberThatSortsAfterIt() throws Exception {
    try (AuditLog audit = open(1024)) {
      for (int i = 1; i <= 12; i++) {
        audit.record(grant("user" + i, i)); // all in the same second
      }
    }

    List<Path> files = chain();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("audit-20251129T235900.jsonl", "audit-20251129T235900_001.jsonl", "audit-20251129T235900_002.jsonl");
    assertThat(AuditVerifier.verify(files, false).ok()).isTrue();
  }

  @Test
  void withoutACurrentFileTheChainContinuesFromTheNewestRotatedFile() throws Exception {
    try (AuditLog audit = open(1024)) {
      for (int i = 1; i <= 10; i++) {
        audit.record(grant("user" + i, i));
        clock.advance(Duration.ofSeconds(1));
      }
    }
    // A crash between the rename and the first record of the new file leaves no current file.
    List<Path> before = chain();
    long inCurrent = lines(file()).size();
    Path last = dir.resolve("audit-99991231T235959.jsonl");
    Files.move(file(), last);

    try (AuditLog audit = open(1024)) {
      assertThat(audit.lastSeq()).isEqualTo(10);
      audit.record(grant("next", 11));
    }

    List<Path> after = new ArrayList<>(before.subList(0, before.size() - 1));
    after.add(last);
    after.add(file());
    assertThat(inCurrent).isPositive();
    assertThat(AuditVerifier.verify(after, false).summary()).startsWith("OK: 11 records in ");
  }

  @Test
  void anIncompleteLastLineIsCutOffAtStart() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 1));
    }
    Files.writeString(file(), "{\"seq\":2,\"ts\":17644", StandardOpenOption.APPEND);
    assertThat(AuditVerifier.verify(List.of(file()), false).ok()).isFalse();

    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("bob", 2));
    }

    assertThat(lines(file())).hasSize(2);
    assertThat(AuditVerifier.verify(List.of(file()), false).summary()).isEqualTo("OK: 2 records in 1 file");
  }

  @Test
  void aLastLineThatIsNoRecordRefusesTheStart() throws Exception {
    try (AuditLog audit = open(1 << 20)) {
      audit.record(grant("alice", 1));
    }
    Files.writeString(file(), "not a record\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> open(1 << 20))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file().getFileName().toString())
        .hasMessageContaining("not a valid audit record")
        .hasMessageContaining("baton audit verify");
  }

  @Test
  void theFolderIsCreatedAndSyncAndCloseAreSafeToRepeat() throws Exception {
    Path nested = dir.resolve("a/b/audit.jsonl");
    AuditLog audit = AuditLog.open(nested, "n", clock, 1024);
    audit.sync();
    audit.record(grant("alice", 1));
    audit.sync();
    audit.sync();
    assertThat(audit.healthy()).isTrue();
    audit.close();
    audit.close();
    audit.sync();

    audit.record(grant("late", 2));

    assertThat(audit.healthy()).as("a record after close is lost, and says so").isFalse();
    assertThat(lines(nested)).hasSize(1);
  }

  @Test
  void theFlusherForcesWhatWasWrittenWithinItsInterval() throws Exception {
    try (AuditLog audit = open(1 << 20); AuditFlusher flusher = new AuditFlusher(audit, Duration.ofMillis(50))) {
      audit.record(grant("alice", 1));
      assertThat(audit.unsynced()).isTrue();
      flusher.start();

      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (audit.unsynced() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertThat(audit.unsynced()).as("forced by the flusher within its interval").isFalse();
      assertThat(audit.healthy()).isTrue();
    }
  }

  @Test
  void aTooSmallMaximumIsRefused() {
    assertThatThrownBy(() -> open(1023)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void aSecondLogOnTheSameFileIsRefusedUntilTheFirstIsClosed() throws Exception {
    AuditLog first = open(1 << 20);
    first.record(grant("ana", 1));
    assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(IOException.class)
        .hasMessageContaining("another Baton node holds it")
        .hasMessageContaining("give each node its own audit.file");
    assertThatThrownBy(() -> AuditLog.open(dir.resolve("sub/../audit.jsonl"), "node-2", clock, 1 << 20))
        .as("the same file by another path").isInstanceOf(IOException.class);
    first.record(grant("ben", 2));
    first.close();
    try (AuditLog again = open(1 << 20)) {
      assertThat(again.lastSeq()).as("the refused opens wrote nothing").isEqualTo(2);
      again.record(grant("cy", 3));
    }
    assertThat(lines(file())).hasSize(3);
  }

  @Test
  void aRefusedStartLeavesNoLockBehind() throws Exception {
    Files.writeString(file(), "garbage\n");
    assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(IOException.class).hasMessageContaining("not a valid");
    Files.delete(file());
    try (AuditLog audit = open(1 << 20)) {
      assertThat(audit.lastSeq()).isZero();
    }
  }
}
