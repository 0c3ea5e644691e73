import dev.baton.server.protocol.CommandParser;
import java.lang.management.ManagementFactory;

/**
 * Bytes allocated to parse one {@code lock.acquire} frame ({@code CommandParser}: Jackson's tree, the
 * resource id's grammar). Runs on any build's jar, so two jars can be compared: {@code java -cp
 * baton-server/target/baton.jar baton-bench/scripts/ParseCost.java}.
 */
public class ParseCost {
  static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static long sink;

  public static void main(String[] a) {
    CommandParser parser = new CommandParser();
    String frame = "{\"id\":\"a17\",\"type\":\"lock.acquire\",\"resource\":\"operation-report:7f1c0e2a-0b4d-4e55-9a3b-0c1d2e3f4a5b:diagnosis\"}";
    int rounds = 200_000;
    for (int w = 0; w < 3; w++) {
      long b0 = MX.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < rounds; i++) { sink += parser.parse(frame).id().length(); }
      long b1 = MX.getCurrentThreadAllocatedBytes();
      System.out.printf("round %d: lock.acquire parsed, %,d B per frame%n", w, (b1 - b0) / rounds);
    }
  }
}
