package dev.baton.server.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's network fence: it targets, and binds to, loopback addresses only
 * (127.0.0.0/8, ::1). Also parses the {@code --source-addresses} notation. Thread-safe (stateless).
 */
final class Loopback {

  private Loopback() {}

  /**
   * @throws IllegalArgumentException if a target URL, a metrics URL or a source address is not on
   *     loopback, or a URL is not {@code ws://} or {@code http://}
   */
  static void check(LoadConfig config) {
    for (URI url : config.urls()) {
      requireScheme(url, "ws", "--url");
      requireLoopbackHost(url.getHost(), "--url " + url);
    }
    for (URI url : config.metricsUrls()) {
      requireScheme(url, "http", "--metrics-url");
      requireLoopbackHost(url.getHost(), "--metrics-url " + url);
    }
    for (String address : config.sourceAddresses()) {
      requireLoopbackHost(address, "--source-addresses " + address);
    }
  }

  /**
   * Parses {@code 127.0.0.2-127.0.0.9} (a range in the last octet), {@code 127.0.0.2,127.0.0.3} or a
   * mix of both, into a list of addresses in order.
   *
   * @throws IllegalArgumentException for a malformed entry or a range over 256 addresses
   */
  static List<String> parseAddresses(String spec) {
    List<String> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      if (dash < 0) {
        out.add(p);
        continue;
      }
      String from = p.substring(0, dash).trim();
      String to = p.substring(dash + 1).trim();
      int fromDot = from.lastIndexOf('.');
      int toDot = to.lastIndexOf('.');
      if (fromDot < 0 || toDot < 0 || !from.substring(0, fromDot).equals(to.substring(0, toDot))) {
        throw new IllegalArgumentException(
            "--source-addresses " + p + ": a range differs in the last octet only, e.g. 127.0.0.2-127.0.0.9");
      }
      int a;
      int b;
      try {
        a = Integer.parseInt(from.substring(fromDot + 1));
        b = Integer.parseInt(to.substring(toDot + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--source-addresses " + p + ": not an IPv4 range");
      }
      if (a < 0 || b > 255 || a > b) {
        throw new IllegalArgumentException("--source-addresses " + p + ": the range must go up within 0..255");
      }
      for (int i = a; i <= b; i++) {
        out.add(from.substring(0, fromDot + 1) + i);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--source-addresses: no address in '" + spec + "'");
    }
    return out;
  }

  private static void requireScheme(URI url, String scheme, String option) {
    if (!scheme.equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(option + " " + url + ": must be " + scheme + "://host:port/...");
    }
  }

  private static void requireLoopbackHost(String host, String what) {
    InetAddress[] resolved;
    try {
      resolved = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + ": unknown host");
    }
    for (InetAddress a : resolved) {
      if (!a.isLoopbackAddress()) {
        throw new IllegalArgumentException(what + ": not a loopback address (" + a.getHostAddress()
            + "); the load generator targets this machine only");
      }
    }
  }
}
