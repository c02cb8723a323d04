package dev.docqa.functions;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay for tests: listens on a free local port and copies bytes both ways to a target port, so a client pointed
 * at it can be cut off from a real server. {@link #pause()} stops listening and closes every open connection, so
 * connections are refused and requests in flight fail; {@link #resume()} listens on the same port again. {@link
 * #delayResponses} holds each chunk coming back from the target, so the server works but its answers arrive late; {@link
 * #pauseAtRequest} pauses when a client sends a chosen request line, before it reaches the target.
 *
 * <p>Thread-safe; one named daemon thread accepts, two per connection copy. {@link #close()} stops it for good.
 */
public final class TcpRelay implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  private volatile Duration delay = Duration.ZERO;
  private volatile String pauseMarker;
  private volatile boolean closed;

  private TcpRelay(int targetPort, ServerSocket listener) {
    this.targetPort = targetPort;
    this.listener = listener;
    this.port = listener.getLocalPort();
  }

  /** Starts relaying a free local port to {@code 127.0.0.1:targetPort}. */
  public static TcpRelay start(int targetPort) {
    try {
      TcpRelay relay = new TcpRelay(targetPort, listenBelowEphemeralPorts());
      relay.accept(relay.listener);
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on a local port", e);
    }
  }

  /**
   * A listener on a free port below Linux's ephemeral range (32768 and up): {@link #resume()} binds the same port again,
   * and a port from the ephemeral range may meanwhile have become the source port of some outgoing connection.
   */
  private static ServerSocket listenBelowEphemeralPorts() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      try {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 20_000 + random.nextInt(12_000)), 50);
        return socket;
      } catch (IOException taken) {
        socket.close();
      }
    }
    throw new IOException("no free port in [20000, 32000) after 200 attempts");
  }

  /** The port clients connect to. */
  public int port() {
    return port;
  }

  /** The port bytes are relayed to. */
  public int targetPort() {
    return targetPort;
  }

  /** Stops listening and closes every open connection: new connections are refused until {@link #resume()}. */
  public synchronized void pause() {
    pauseMarker = null;
    ServerSocket current = listener;
    listener = null;
    if (current != null) {
      closeQuietly(current);
    }
    sockets.forEach(TcpRelay::closeQuietly);
    sockets.clear();
  }

  /** Listens on the same port again, and forwards without delay. */
  public synchronized void resume() {
    delay = Duration.ZERO;
    pauseMarker = null;
    if (listener != null || closed) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      listener = socket;
      accept(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " again", e);
    }
  }

  /** Holds every chunk the target sends back for {@code delay} before passing it on ({@code ZERO}: none). */
  public void delayResponses(Duration delay) {
    this.delay = delay;
  }

  /**
   * Pauses (as {@link #pause()}) as soon as a client sends a request whose first line contains {@code marker} (e.g.
   * {@code "/_refresh "}); that request never reaches the target. Once, until set again.
   */
  public void pauseAtRequest(String marker) {
    this.pauseMarker = marker;
  }

  @Override
  public synchronized void close() {
    closed = true;
    pause();
  }

  private void accept(ServerSocket socket) {
    thread("accept", () -> {
      while (!socket.isClosed()) {
        Socket client;
        try {
          client = socket.accept();
        } catch (IOException e) {
          return; // paused or closed
        }
        connect(client);
      }
    });
  }

  private void connect(Socket client) {
    Socket target = new Socket();
    sockets.add(client);
    sockets.add(target);
    try {
      target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
    } catch (IOException e) {
      closeBoth(client, target);
      return;
    }
    if (listener == null) { // paused while connecting
      closeBoth(client, target);
      return;
    }
    thread("request", () -> copy(client, target, true));
    thread("response", () -> copy(target, client, false));
  }

  private void copy(Socket from, Socket to, boolean requests) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (requests && startsPausingRequest(buffer, n)) {
          pause();
          return;
        }
        if (!requests && !delay.isZero()) {
          Thread.sleep(delay);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // A side closed (or the relay paused): the other side is closed below, as a broken network would.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeBoth(from, to);
    }
  }

  /** Whether a request chunk holds a request line with the pause marker (request lines start a chunk here). */
  private boolean startsPausingRequest(byte[] buffer, int length) {
    String marker = pauseMarker;
    if (marker == null) {
      return false;
    }
    String head = new String(buffer, 0, length, ISO_8859_1);
    int lineEnd = head.indexOf("\r\n");
    return lineEnd >= 0 && head.substring(0, lineEnd).contains(marker);
  }

  private void closeBoth(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    sockets.remove(a);
    sockets.remove(b);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing a socket of a test relay: nothing to report, the peer sees a closed connection either way.
    }
  }

  private static void thread(String role, Runnable body) {
    Thread.ofPlatform().daemon().name("tcp-relay-" + role + "-" + THREADS.incrementAndGet()).start(body);
  }
}
