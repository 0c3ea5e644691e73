package dev.baton.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy in front of Redis whose replies (Redis to client) can be held back: {@link #pause()}
 * stops forwarding them (they wait in the socket buffers), {@link #resume()} lets them through, in
 * order. For delaying one connection's pub/sub messages behind another connection's replies.
 */
final class PausableProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new ArrayList<>();
  private final Object gate = new Object();
  private boolean paused;
  private volatile boolean closed;

  PausableProxy(int target) {
    this.target = target;
    try {
      server = new ServerSocket(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread accept = new Thread(this::accept, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  void pause() {
    synchronized (gate) {
      paused = true;
    }
  }

  void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket("127.0.0.1", target);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(redis);
        }
        pump(client, redis, false);
        pump(redis, client, true);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean gated) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (gated) {
            synchronized (gate) {
              while (paused && !closed) {
                gate.wait();
              }
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // connection over
      } finally {
        try {
          to.close();
        } catch (IOException e) {
          // closing
        }
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    resume();
    try {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    } catch (IOException e) {
      // closing
    }
  }
}
