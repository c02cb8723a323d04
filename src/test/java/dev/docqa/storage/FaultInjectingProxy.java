package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy for tests that sits between an S3 client and an S3 server and injects faults at seeded rates: an
 * S3 error answer (500 InternalError, 503 SlowDown) without forwarding; a response held back longer than the client
 * waits (the request <em>is</em> forwarded and applied: the answer is what gets lost); an upload cut off after part of
 * its body (the part reaches the server, then both connections close); a response trickled back slowly.
 *
 * <p>Bytes are forwarded unchanged (signed headers, {@code Expect: 100-continue}, {@code aws-chunked} and chunked
 * bodies), except the hop-by-hop {@code Connection} header: each connection carries one request and closes, so request
 * framing only has to be followed for the body that precedes the response.
 *
 * <p>Thread-safe. {@link #start} opens the listening socket; {@link #close()} stops accepting and closes every
 * connection. Faults start with {@link #inject} and stop with {@link #stopFaults()}.
 */
public final class FaultInjectingProxy implements AutoCloseable {

  /** The kinds of fault, with the name the fault test reports them under. */
  public enum Fault {
    SERVER_ERROR("5xx"),
    TIMEOUT("timeout"),
    DROPPED_UPLOAD("dropped_upload"),
    SLOW_READ("slow_read");

    private final String label;

    Fault(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * How often each fault is injected, as a probability per request (a dropped upload only hits requests with a body).
   *
   * @param responseDelay how long a {@link Fault#TIMEOUT} response is held back: longer than the client's attempt timeout
   * @param trickle bytes per write of a {@link Fault#SLOW_READ} response
   * @param trickleDelay pause between those writes
   */
  public record Rates(
      double serverError,
      double timeout,
      double droppedUpload,
      double slowRead,
      Duration responseDelay,
      int trickle,
      Duration trickleDelay) {

    public Rates {
      double total = serverError + timeout + droppedUpload + slowRead;
      if (serverError < 0 || timeout < 0 || droppedUpload < 0 || slowRead < 0 || total > 1) {
        throw new IllegalArgumentException("fault rates must be >= 0 and sum to <= 1; rates=" + List.of(serverError,
            timeout, droppedUpload, slowRead));
      }
      if (trickle < 1) {
        throw new IllegalArgumentException("trickle must be >= 1; trickle=" + trickle);
      }
    }

    static final Rates NONE = new Rates(0, 0, 0, 0, Duration.ZERO, 1, Duration.ZERO);
  }

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Random random;
  private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("fault-proxy-", 0).factory());
  private final List<Socket> open = new ArrayList<>();
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger errorNumber = new AtomicInteger();
  private final List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
  private volatile Triggered triggered;
  private volatile Rates rates = Rates.NONE;
  private volatile boolean closed;
  private volatile boolean rewriteETags;

  /** Requests numbered {@code [from, to)} get {@code fault}. */
  private record Scheduled(Fault fault, int from, int to) {}

  /** The first request whose start line contains {@code marker}, and those after it, get {@code faults} in order. */
  private record Triggered(String marker, List<Fault> faults, AtomicInteger firstRequest) {}

  private FaultInjectingProxy(ServerSocket listener, URI upstream, long seed) {
    this.listener = listener;
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.random = new Random(seed);
    for (Fault fault : Fault.values()) {
      injected.put(fault, new AtomicInteger());
    }
  }

  /** Listens on a free local port and forwards to {@code upstream} ({@code http://host:port}). */
  public static FaultInjectingProxy start(URI upstream, long seed) {
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      FaultInjectingProxy proxy = new FaultInjectingProxy(listener, upstream, seed);
      proxy.threads.execute(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the fault proxy's port", e);
    }
  }

  /** Where clients connect: {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** {@code direct} (credentials, region, retries) pointed at this proxy, path-style as the proxy needs. */
  public S3Connection connectionFor(S3Connection direct) {
    return new S3Connection(endpoint(), direct.region(), direct.accessKeyId(), direct.secretAccessKey(), true,
        direct.retries());
  }

  /** Injects faults at these rates into the requests that arrive from now on (and drops scheduled faults). */
  public void inject(Rates rates) {
    this.rates = rates;
    clearScheduled();
  }

  /**
   * After {@code after} more requests, gives the next {@code count} this fault, whatever the rates (a dropped upload
   * only to requests with a body). {@code schedule(SERVER_ERROR, n, attempts)} is an outage that outlasts the client's
   * retries.
   */
  public void schedule(Fault fault, int after, int count) {
    int next = requests.get() + 1 + after;
    scheduled.add(new Scheduled(fault, next, next + count));
  }

  /**
   * Gives the next request whose start line contains {@code marker} (e.g. {@code "PUT /bucket/index/manifests/"}) the
   * first of {@code faults}, and the requests right after it the rest, in order, once.
   */
  public void scheduleAt(String marker, List<Fault> faults) {
    triggered = new Triggered(marker, List.copyOf(faults), new AtomicInteger());
  }

  /** Forwards every later request faithfully (scheduled faults included). */
  public void stopFaults() {
    this.rates = Rates.NONE;
    clearScheduled();
  }

  private void clearScheduled() {
    scheduled.clear();
    triggered = null;
  }

  /**
   * Makes the store's ETags not MD5s, as on SSE-KMS buckets and for multipart uploads: every 32-hex-digit ETag in a
   * response ({@code ETag} header, {@code <ETag>} of a listing) has each digit XOR-ed with 0xA, and every
   * {@code If-Match} of a request is mapped back, so conditional writes keep working against the real ETags.
   * Lengths do not change, so framing stays valid.
   */
  public void rewriteETags(boolean on) {
    rewriteETags = on;
  }

  private static final Pattern RESPONSE_ETAG =
      Pattern.compile("(?i)(ETag:[ \\t]*\"?|<ETag>(?:&quot;|&#34;|\")?)([0-9a-f]{32})");
  private static final Pattern REQUEST_IF_MATCH = Pattern.compile("(?i)(If-Match:[ \\t]*\"?)([0-9a-f]{32})");

  /** {@code bytes} with the hex digits of every ETag that {@code pattern} finds XOR-ed with 0xA (its own inverse). */
  static byte[] flipETags(byte[] bytes, Pattern pattern) {
    String text = new String(bytes, ISO_8859_1);
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (matcher.find()) {
      StringBuilder flipped = new StringBuilder(32);
      for (char c : matcher.group(2).toCharArray()) {
        flipped.append(Character.forDigit(Character.digit(c, 16) ^ 0xA, 16));
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + flipped));
    }
    matcher.appendTail(out);
    return out.toString().getBytes(ISO_8859_1);
  }

  /** How many faults of each kind were injected so far. */
  public Map<Fault, Integer> injected() {
    Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
    injected.forEach((fault, count) -> counts.put(fault, count.get()));
    return counts;
  }

  /** How many requests arrived so far (faulty or not). */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      synchronized (open) {
        open.forEach(FaultInjectingProxy::closeQuietly);
      }
      threads.shutdownNow();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        track(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          throw new UncheckedIOException("fault proxy stopped accepting", e);
        }
      }
    }
  }

  private void serve(Socket client) {
    Socket server = null;
    try (client) {
      InputStream fromClient = client.getInputStream();
      Head request = Head.read(fromClient);
      if (request == null) {
        return; // connected and closed without a request
      }
      Rates now = rates; // one request, one setting, even if the rates change meanwhile
      Fault fault = decide(request, requests.incrementAndGet(), now);
      if (fault != null) {
        injected.get(fault).incrementAndGet();
      }
      if (fault == Fault.SERVER_ERROR) {
        if (!request.expectsContinue()) {
          new Body(request).copy(fromClient, OutputStream.nullOutputStream(), Long.MAX_VALUE);
        }
        client.getOutputStream().write(errorResponse(request));
        client.getOutputStream().flush();
        return;
      }
      server = track(new Socket(upstream.getAddress(), upstream.getPort()));
      OutputStream toServer = server.getOutputStream();
      byte[] head = request.withConnectionClose();
      toServer.write(rewriteETags ? flipETags(head, REQUEST_IF_MATCH) : head);
      toServer.flush();
      Socket upstreamSocket = server;
      Future<?> responses = threads.submit(() -> relayResponse(upstreamSocket, client, fault, now));
      Body body = new Body(request);
      long declared = body.declaredLength();
      long limit = fault != Fault.DROPPED_UPLOAD ? Long.MAX_VALUE : cutOff(declared < 0 ? 1024 : declared);
      boolean complete = body.copy(fromClient, toServer, limit);
      toServer.flush();
      if (!complete) {
        return; // dropped mid-upload: both connections close now
      }
      responses.get();
    } catch (IOException | RuntimeException e) {
      // A connection the client or the server gave up on, or one this proxy dropped on purpose.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // The response relay broke: the client gave up (timeout) or went away.
    } finally {
      closeQuietly(server);
      untrack(client);
      untrack(server);
    }
  }

  /** Server to client: interim {@code 100 Continue} heads as they are, then the final response, faulty or not. */
  private Void relayResponse(Socket server, Socket client, Fault fault, Rates now)
      throws IOException, InterruptedException {
    InputStream fromServer = server.getInputStream();
    OutputStream toClient = client.getOutputStream();
    Head response;
    while (true) {
      response = Head.read(fromServer);
      if (response == null) {
        return null; // the server closed without answering (e.g. a truncated upload)
      }
      if (!response.isInterim()) {
        break;
      }
      toClient.write(response.bytes());
      toClient.flush();
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(response.withConnectionClose());
    fromServer.transferTo(all); // the server closes after the response: we asked it to
    byte[] bytes = rewriteETags ? flipETags(all.toByteArray(), RESPONSE_ETAG) : all.toByteArray();
    if (fault == Fault.TIMEOUT) {
      Thread.sleep(now.responseDelay());
      toClient.write(bytes); // usually fails: the client gave up on this attempt
    } else if (fault == Fault.SLOW_READ) {
      for (int at = 0; at < bytes.length; at += now.trickle()) {
        toClient.write(bytes, at, Math.min(now.trickle(), bytes.length - at));
        toClient.flush();
        Thread.sleep(now.trickleDelay());
      }
    } else {
      toClient.write(bytes);
    }
    toClient.flush();
    return null;
  }

  private Fault decide(Head request, int number, Rates now) {
    Triggered trigger = triggered;
    if (trigger != null) {
      if (request.startLine().contains(trigger.marker())) {
        trigger.firstRequest().compareAndSet(0, number);
      }
      int first = trigger.firstRequest().get();
      if (first > 0 && number - first < trigger.faults().size()) {
        return trigger.faults().get(number - first);
      }
    }
    for (Scheduled next : scheduled) {
      if (number >= next.from() && number < next.to()) {
        return next.fault() != Fault.DROPPED_UPLOAD || hasBody(request) ? next.fault() : null;
      }
    }
    double draw;
    synchronized (random) {
      draw = random.nextDouble();
    }
    double bound = now.serverError();
    if (draw < bound) {
      return Fault.SERVER_ERROR;
    }
    if (draw < (bound += now.timeout())) {
      return Fault.TIMEOUT;
    }
    if (draw < (bound += now.droppedUpload())) {
      return hasBody(request) ? Fault.DROPPED_UPLOAD : null;
    }
    if (draw < bound + now.slowRead()) {
      return Fault.SLOW_READ;
    }
    return null;
  }

  private static boolean hasBody(Head request) {
    long length = new Body(request).declaredLength();
    return length > 1 || length < 0;
  }

  private long cutOff(long length) {
    synchronized (random) {
      return 1 + (long) (random.nextDouble() * (length - 1));
    }
  }

  /**
   * S3's error answers in turn: 500 twice, 503 unavailable, 503 SlowDown (throttling, after which the client backs off
   * ten times longer, so it comes least often).
   */
  private byte[] errorResponse(Head request) {
    int number = errorNumber.incrementAndGet();
    String[] error = switch (number % 4) {
      case 0 -> new String[] {"503 Slow Down", "SlowDown", "Please reduce your request rate."};
      case 2 -> new String[] {"503 Service Unavailable", "ServiceUnavailable", "Service is unable to handle request."};
      default -> new String[] {"500 Internal Server Error", "InternalError", "We encountered an internal error."};
    };
    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + error[1] + "</Code><Message>" + error[2]
        + "</Message><RequestId>fault-" + number + "</RequestId></Error>").getBytes(UTF_8);
    String head = "HTTP/1.1 " + error[0] + "\r\n"
        + "Content-Type: application/xml\r\n"
        + "x-amz-request-id: fault-" + number + "\r\n"
        + "Content-Length: " + xml.length + "\r\n"
        + "Connection: close\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(ISO_8859_1));
    if (!request.method().equals("HEAD")) {
      out.writeBytes(xml);
    }
    return out.toByteArray();
  }

  private Socket track(Socket socket) {
    synchronized (open) {
      open.add(socket);
    }
    return socket;
  }

  private void untrack(Socket socket) {
    if (socket != null) {
      synchronized (open) {
        open.remove(socket);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a connection that is already broken
      }
    }
  }

  /** A request or response head: the start line and headers, as the bytes that arrived. */
  private record Head(byte[] bytes, String startLine, List<String[]> headers) {

    private static final int MAX_HEAD = 64 * 1024;

    /** Reads up to and including the blank line; null when the stream ends before any byte. */
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            return null;
          }
          throw new IOException("connection closed inside an HTTP head");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > MAX_HEAD) {
          throw new IOException("HTTP head over " + MAX_HEAD + " bytes");
        }
      }
      byte[] bytes = head.toByteArray();
      String[] lines = new String(bytes, ISO_8859_1).split("\r\n");
      List<String[]> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
      }
      return new Head(bytes, lines[0], headers);
    }

    String method() {
      return startLine.substring(0, startLine.indexOf(' '));
    }

    String header(String name) {
      return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
    }

    boolean expectsContinue() {
      String expect = header("Expect");
      return expect != null && expect.equalsIgnoreCase("100-continue");
    }

    boolean isInterim() {
      return startLine.startsWith("HTTP/1.1 1") || startLine.startsWith("HTTP/1.0 1");
    }

    /** The same head with {@code Connection: close} in place of any connection header. */
    byte[] withConnectionClose() {
      StringBuilder out = new StringBuilder(startLine).append("\r\n");
      for (String[] header : headers) {
        String name = header[0].toLowerCase(Locale.ROOT);
        if (!name.equals("connection") && !name.equals("keep-alive")) {
          out.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
      }
      return out.append("Connection: close\r\n\r\n").toString().getBytes(ISO_8859_1);
    }
  }

  /** A request body as its head frames it: {@code Content-Length}, chunked, or none. */
  private record Body(Head request) {

    /** Bytes the head declares (-1 for chunked, 0 for none). */
    long declaredLength() {
      String encoding = request.header("Transfer-Encoding");
      if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        return -1;
      }
      String length = request.header("Content-Length");
      return length == null ? 0 : Long.parseLong(length);
    }

    /**
     * Copies the body, at most {@code limit} bytes of it.
     *
     * @return whether the whole body was copied
     */
    boolean copy(InputStream in, OutputStream out, long limit) throws IOException {
      long length = declaredLength();
      if (length < 0) {
        return copyChunked(in, out, limit);
      }
      long n = Math.min(length, limit);
      byte[] buffer = new byte[8192];
      long left = n;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          throw new IOException("client closed inside a request body");
        }
        out.write(buffer, 0, read);
        left -= read;
      }
      return n == length;
    }

    private static boolean copyChunked(InputStream in, OutputStream out, long limit) throws IOException {
      long copied = 0;
      while (true) {
        String sizeLine = line(in);
        out.write((sizeLine + "\r\n").getBytes(ISO_8859_1));
        int semicolon = sizeLine.indexOf(';');
        long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = line(in);
            out.write((trailer + "\r\n").getBytes(ISO_8859_1));
          } while (!trailer.isEmpty());
          return true;
        }
        for (long i = 0; i < size + 2; i++) { // the chunk and its CRLF
          if (copied++ >= limit) {
            return false;
          }
          int b = in.read();
          if (b < 0) {
            throw new IOException("client closed inside a chunk");
          }
          out.write(b);
        }
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("client closed inside a chunk header");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }
  }
}
