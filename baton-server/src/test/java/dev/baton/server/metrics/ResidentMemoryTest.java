package dev.baton.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.store.StoreStats;
import org.junit.jupiter.api.Test;

/** {@code process_resident_memory_bytes} comes from the VmRSS line of /proc/self/status. */
class ResidentMemoryTest {

  @Test
  void readsVmRss() {
    String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  136036 kB\nRssAnon:\t 100000 kB\n";
    assertThat(ResidentMemory.parseVmRssKiB(status)).isEqualTo(136036);
    assertThatThrownBy(() -> ResidentMemory.parseVmRssKiB("Name:\tjava\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isExportedByTheMetrics() {
    assertThat(new BatonMetrics(() -> new StoreStats(0, 0)).scrape()).contains("process_resident_memory_bytes");
  }
}
