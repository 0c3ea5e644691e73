package dev.baton.core.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFencingCounterTest {

  /** 2025-11-29 12:00 UTC in epoch microseconds. */
  private static final long WALL_MICROS = 1_764_417_600_000_000L;

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("fencing-counter");
  }

  private static long stored(Path file) throws IOException {
    return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
  }

  @Test
  void strictlyIncreasingAcrossBlocks() {
    FileFencingCounter counter = new FileFencingCounter(file(), 3, 0);

    long previous = 0;
    for (int i = 0; i < 100; i++) {
      long token = counter.next();
      assertThat(token).isGreaterThan(previous);
      previous = token;
    }
  }

  @Test
  void firstTokenIsAtLeastOne() {
    assertThat(new FileFencingCounter(file(), 10, 0).next()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyIssuedTokenIsReservedOnDiskBeforeItIsReturned() throws IOException {
    FileFencingCounter counter = new FileFencingCounter(file(), 4, 0);

    for (int i = 0; i < 20; i++) {
      long token = counter.next();
      assertThat(stored(file())).isGreaterThanOrEqualTo(token);
    }
  }

  @Test
  void createsMissingParentDirectories() {
    Path nested = dir.resolve("data/deeper/fencing-counter");
    new FileFencingCounter(nested, 10, 0).next();

    assertThat(nested).exists();
  }

  @Test
  void restartAfterAFewTokensOfABlockContinuesAboveThem() {
    FileFencingCounter first = new FileFencingCounter(file(), 1000, 0);
    long last = 0;
    for (int i = 0; i < 3; i++) {
      last = first.next();
    }

    FileFencingCounter second = new FileFencingCounter(file(), 1000, 0);

    assertThat(second.next()).isGreaterThan(last);
  }

  @Test
  void restartAfterAFullBlockContinuesAboveIt() {
    FileFencingCounter first = new FileFencingCounter(file(), 10, 0);
    long last = 0;
    for (int i = 0; i < 10; i++) {
      last = first.next();
    }

    assertThat(new FileFencingCounter(file(), 10, 0).next()).isGreaterThan(last);
  }

  @Test
  void restartBeforeAnyTokenWasIssuedStillIncreases() {
    FileFencingCounter first = new FileFencingCounter(file(), 10, 0);
    long token = first.next();
    new FileFencingCounter(file(), 10, 0); // opened and dropped without issuing

    assertThat(new FileFencingCounter(file(), 10, 0).next()).isGreaterThan(token);
  }

  @Test
  void manyRestartsWithVaryingUseAndBlockSizesNeverGoBack() {
    List<Long> all = new ArrayList<>();
    int[] used = {1, 7, 0, 50, 2, 100, 3};
    int[] blocks = {10, 5, 1, 64, 1000, 7, 2};
    for (int generation = 0; generation < used.length; generation++) {
      FileFencingCounter counter = new FileFencingCounter(file(), blocks[generation], WALL_MICROS);
      for (int i = 0; i < used[generation]; i++) {
        all.add(counter.next());
      }
    }

    assertThat(all).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void wallClockFloorAboveTheFileWins() throws IOException {
    FileFencingCounter first = new FileFencingCounter(file(), 1000, 0);
    first.next();
    assertThat(stored(file())).isLessThan(WALL_MICROS);

    long token = new FileFencingCounter(file(), 1000, WALL_MICROS).next();

    assertThat(token).isGreaterThan(WALL_MICROS);
  }

  @Test
  void wallClockFloorBelowTheFileDoesNotPullTokensBack() throws IOException {
    FileFencingCounter first = new FileFencingCounter(file(), 1000, WALL_MICROS);
    long last = 0;
    for (int i = 0; i < 5; i++) {
      last = first.next();
    }
    long bound = stored(file());

    // the wall clock stepped back an hour while the process was down
    long token = new FileFencingCounter(file(), 1000, WALL_MICROS - 3_600_000_000L).next();

    assertThat(token).isGreaterThan(last).isGreaterThan(bound);
  }

  @Test
  void noFileStartsAboveTheWallClock() {
    long token = new FileFencingCounter(file(), 1000, WALL_MICROS).next();

    assertThat(token).isGreaterThan(WALL_MICROS).isLessThan(1L << 53);
  }

  @Test
  void garbageInTheFileIsRefused() throws IOException {
    Files.writeString(file(), "not-a-number\n", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> new FileFencingCounter(file(), 1000, WALL_MICROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("'not-a-number'")
        .hasMessageEndingWith("not a number");
  }

  @Test
  void anEmptyFileIsRefused() throws IOException {
    Files.writeString(file(), "", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> new FileFencingCounter(file(), 1000, WALL_MICROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a number");
  }

  @Test
  void aDecimalInTheFileIsRefused() throws IOException {
    Files.writeString(file(), "12.5", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> new FileFencingCounter(file(), 1000, WALL_MICROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'12.5'");
  }

  @Test
  void blockSizeMustBePositive() {
    assertThatThrownBy(() -> new FileFencingCounter(file(), 0, WALL_MICROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blockSize 0 must be positive");
    assertThatThrownBy(() -> new FileFencingCounter(file(), -1, WALL_MICROS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blockSize -1 must be positive");
  }
}
