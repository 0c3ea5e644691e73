package dev.baton.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal blocking RESP2 client for what the tests do beside the store: {@code INFO}, {@code
 * SCRIPT FLUSH}, {@code MONITOR}, {@code SUBSCRIBE}. Kept apart from the store's own connection so
 * that it never disturbs the reply order the store relies on. Not thread-safe; one per thread.
 */
final class RawRedis implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawRedis(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a command and reads its reply: String, Long, List, or null; an error as "ERR:...". */
  Object call(String... args) {
    send(args);
    return read();
  }

  void send(String... args) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String a : args) {
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        b.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        b.write(bytes);
        b.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(b.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one reply. */
  Object read() {
    String line = line();
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+':
        return rest;
      case '-':
        return "ERR:" + rest;
      case ':':
        return Long.parseLong(rest);
      case '$': {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        byte[] data = bytes(n + 2);
        return new String(data, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        return items;
      }
      default:
        throw new IllegalStateException("unexpected reply " + line);
    }
  }

  /** {@code INFO commandstats} as command name to number of calls. */
  Map<String, Long> commandCalls() {
    Map<String, Long> calls = new HashMap<>();
    for (String line : ((String) call("INFO", "commandstats")).split("\r\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        String c = line.substring(line.indexOf("calls=") + 6);
        calls.put(name, Long.parseLong(c.substring(0, c.indexOf(','))));
      }
    }
    return calls;
  }

  private String line() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\r') {
          in.read(); // '\n'
          return b.toString(StandardCharsets.UTF_8);
        }
        b.write(c);
      }
      throw new IOException("connection closed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] bytes(int n) {
    try {
      return in.readNBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test connection: nothing to do
    }
  }
}
