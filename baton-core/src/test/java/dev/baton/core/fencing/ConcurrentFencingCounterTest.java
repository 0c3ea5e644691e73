package dev.baton.core.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FencingCounter#next()} from many threads: no duplicates, increasing within each thread. */
class ConcurrentFencingCounterTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 10_000;

  @TempDir Path dir;

  @Test
  void fileCounter() throws Exception {
    hammer(new FileFencingCounter(dir.resolve("fencing-counter"), 1_000, 1_764_417_600_000_000L));
  }

  @Test
  void fileCounterWithSmallBlocks() throws Exception {
    hammer(new FileFencingCounter(dir.resolve("fencing-counter"), 997, 0));
  }

  @Test
  void memoryCounter() throws Exception {
    hammer(new MemoryFencingCounter(0));
  }

  private static void hammer(FencingCounter counter) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<long[]>> tasks =
          IntStream.range(0, THREADS)
              .<Callable<long[]>>mapToObj(
                  t ->
                      () -> {
                        start.await();
                        long[] tokens = new long[PER_THREAD];
                        for (int i = 0; i < PER_THREAD; i++) {
                          tokens[i] = counter.next();
                        }
                        return tokens;
                      })
              .toList();
      List<Future<long[]>> futures = tasks.stream().map(pool::submit).toList();
      start.countDown();

      Set<Long> distinct = new HashSet<>();
      for (Future<long[]> future : futures) {
        long[] tokens = future.get(60, TimeUnit.SECONDS);
        for (int i = 1; i < tokens.length; i++) {
          assertThat(tokens[i]).isGreaterThan(tokens[i - 1]);
        }
        for (long token : tokens) {
          distinct.add(token);
        }
      }
      assertThat(distinct).hasSize(THREADS * PER_THREAD);
    } finally {
      pool.shutdownNow();
    }
  }
}
