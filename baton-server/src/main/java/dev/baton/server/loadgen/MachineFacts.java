package dev.baton.server.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Facts about this machine for the results: cores, memory, CPU, Java, load. Thread-safe (stateless). */
final class MachineFacts {

  private MachineFacts() {}

  static Map<String, Object> collect() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memTotal", firstLine("/proc/meminfo", "MemTotal:"));
    m.put("cpu", firstLine("/proc/cpuinfo", "model name"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("loadAverageAtStart", loadAverage());
    m.put("cpuPressureAtStart", cpuPressure());
    return m;
  }

  /**
   * The share of the last 60 s in which some runnable task waited for a CPU ({@code avg60} of the
   * {@code some} line of {@code /proc/pressure/cpu}), as a percentage, or "unknown": above a few
   * percent, other work on the machine competed with the server and the generator.
   */
  static String cpuPressure() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
        if (line.startsWith("some ")) {
          for (String field : line.split(" ")) {
            if (field.startsWith("avg60=")) {
              return field.substring(6) + "%";
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no PSI here
    }
    return "unknown";
  }

  /** The 1-, 5- and 15-minute load averages from {@code /proc/loadavg}, or "unknown". */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String firstLine(String file, String prefix) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(prefix)) {
          int colon = line.indexOf(':');
          return line.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown";
  }
}
