package dev.baton.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * A WebSocket client written by hand over a plain {@link Socket} (RFC 6455), for what the JDK client
 * cannot do: send one frame of any size unfragmented, stay silent without answering pings, read raw
 * frames. Not thread-safe.
 */
public final class RawWebSocket implements AutoCloseable {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One received frame. */
  public record Frame(boolean fin, int opcode, byte[] payload) {
    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or -1. */
    public int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private String end;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code /v1/ws} of {@code server} and performs the upgrade with subprotocol {@code
   * baton.v1}, checking the 101 answer and its accept key.
   */
  public static RawWebSocket connect(TestServer server) throws IOException {
    return connect(server, 0);
  }

  /**
   * As {@link #connect(TestServer)}, with the socket's receive buffer set to {@code receiveBufferBytes}
   * before connecting (0 keeps the system's): a small one makes a client that stops reading fill up
   * the server's side soon.
   */
  public static RawWebSocket connect(TestServer server, int receiveBufferBytes) throws IOException {
    return connect(server.port(), receiveBufferBytes);
  }

  /** As {@link #connect(TestServer, int)}, to the server on loopback port {@code port} (e.g. a {@link NodeProcess}). */
  public static RawWebSocket connect(int port, int receiveBufferBytes) throws IOException {
    Socket s = new Socket();
    if (receiveBufferBytes > 0) {
      s.setReceiveBufferSize(receiveBufferBytes);
    }
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(5000);
    RawWebSocket ws = new RawWebSocket(s);
    ws.upgrade(port);
    return ws;
  }

  private void upgrade(int port) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String request = "GET /v1/ws HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: baton.v1\r\n"
        + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed during the upgrade: " + head);
      }
      head.write(b);
    }
    String response = head.toString(StandardCharsets.US_ASCII);
    assertThat(response).as("upgrade response").startsWith("HTTP/1.1 101");
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String lower = response.toLowerCase(Locale.ROOT);
    assertThat(lower).contains("sec-websocket-accept: " + accept.toLowerCase(Locale.ROOT));
    assertThat(lower).contains("sec-websocket-protocol: baton.v1");
  }

  /** Sends one final, masked text frame. */
  public void sendText(String text) throws IOException {
    sendFrame(true, 1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one masked frame, as a client must (RFC 6455 section 5.3). */
  public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      f.write(0x80 | n);
    } else if (n < 65536) {
      f.write(0x80 | 126);
      f.write(n >>> 8);
      f.write(n & 0xff);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) (((long) n >>> (8 * i)) & 0xff));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    f.write(mask, 0, 4);
    byte[] masked = new byte[n];
    for (int i = 0; i < n; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    f.write(masked, 0, n);
    out.write(f.toByteArray());
    out.flush();
  }

  /**
   * Reads the next frame, waiting up to {@code timeout}.
   *
   * @return the frame, or null if the connection ended (EOF or reset) first
   * @throws SocketTimeoutException if nothing arrived in time
   */
  public Frame readFrame(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      int b0 = in.read();
      if (b0 < 0) {
        end = "EOF (the server closed the TCP connection without a close frame)";
        return null;
      }
      int b1 = in.readUnsignedByte();
      long n = b1 & 0x7f;
      if (n == 126) {
        n = in.readUnsignedShort();
      } else if (n == 127) {
        n = in.readLong();
      }
      if ((b1 & 0x80) != 0) {
        in.readInt();
      }
      byte[] payload = new byte[(int) n];
      in.readFully(payload);
      return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    } catch (java.io.EOFException | java.net.SocketException e) {
      end = e.toString();
      return null;
    }
  }

  /** Reads frames until a close frame (returned) or the end of the connection (null). */
  public Frame readUntilClose(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no close frame within " + timeout.toMillis() + " ms");
      }
      Frame f = readFrame(Duration.ofNanos(left));
      if (f == null || f.opcode() == 8) {
        return f;
      }
    }
  }

  /** How the connection ended when {@link #readFrame} returned null: EOF or the socket error. */
  public String end() {
    return end;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
