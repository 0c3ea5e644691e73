package dev.baton.bench.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's CPU pressure, recorded beside each run to show how shared the machine was. */
final class CpuPressure {

  private static final Path PSI = Path.of("/proc/pressure/cpu");

  private CpuPressure() {}

  /**
   * {@code some avg10=… avg60=…} of {@code /proc/pressure/cpu} (share of time some task waited for a
   * CPU, %), plus the 1-minute load average; {@code n/a} where the kernel has no PSI.
   */
  static String read() {
    try {
      String some = Files.readAllLines(PSI).get(0);
      String[] f = some.split(" ");
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      return f[1] + " " + f[2] + " load=" + load;
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
