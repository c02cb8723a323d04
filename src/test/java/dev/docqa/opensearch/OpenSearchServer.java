package dev.docqa.opensearch;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real single-node OpenSearch with the k-NN plugin for tests: the distribution Maven unpacks under {@code
 * target/test-servers/opensearch/} (see the pom), started once per test JVM as a child process on a free local port
 * with a 256 MB heap and an 8 MB request limit (AWS's smallest is 10 MB), and stopped (SIGTERM) by a shutdown hook.
 * OpenSearch refuses to run as root, so as root (CI) it runs as {@code nobody} through {@code setpriv}, its home and
 * data folders handed to that user (the home copied to a temporary folder when the checkout is out of that user's
 * reach, e.g. under {@code /root}).
 *
 * <p>{@link #get()} starts it on first use and waits until the cluster is yellow or green; the class loaders of
 * {@code @QuarkusTest} applications get the same server (its endpoint is a system property). Thread-safe.
 */
public final class OpenSearchServer {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Path DISTRIBUTIONS = Path.of("target/test-servers/opensearch");
  private static final AtomicInteger INDEXES = new AtomicInteger();
  /** Where the JVM's server listens, once started: the same for every class loader. */
  private static final String ENDPOINT_PROPERTY = "opensearch.test-server.endpoint";

  private static OpenSearchServer instance;

  private final Process process; // null where another class loader started it
  private final URI endpoint;
  private final Path workDir; // null where another class loader started it
  private volatile Duration startup = Duration.ZERO;

  private OpenSearchServer(Process process, URI endpoint, Path workDir) {
    this.process = process;
    this.endpoint = endpoint;
    this.workDir = workDir;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized OpenSearchServer get() {
    if (instance == null) {
      // Quarkus tests load this class again in each application's class loader: they use the JVM's one server, which
      // the class loader that started it stops on exit.
      String running = System.getProperty(ENDPOINT_PROPERTY);
      if (running != null) {
        instance = new OpenSearchServer(null, URI.create(running), null);
      } else {
        instance = start();
        System.setProperty(ENDPOINT_PROPERTY, instance.endpoint().toString());
      }
    }
    return instance;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /** How long the server took to become healthy. */
  public Duration startup() {
    return startup;
  }

  /** Settings for {@code index} on this server (unsigned, lucene engine, a short request timeout). */
  public OpenSearchSettings settings(String index) {
    return OpenSearchSettings.of(endpoint, index).withRequestTimeout(Duration.ofSeconds(30));
  }

  /** A fresh index name, unique in this JVM and across runs against the same server. */
  public static String uniqueIndexName(String prefix) {
    String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    return "docqa-" + clean + "-" + INDEXES.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** Deletes an index (and ignores a missing one): tests tidy up so the small heap does not fill. */
  public void deleteIndex(String index) {
    request("DELETE", "/" + index, null);
  }

  /**
   * Sends one HTTP request with a JSON body ({@code null}: none) and returns the status code and body; for tests that
   * set up what the client would not write (another mapping, a broken index).
   */
  public Response request(String method, String path, String json) {
    try {
      HttpURLConnection connection = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
      connection.setRequestMethod(method);
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(30_000);
      if (json != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
      }
      int status = connection.getResponseCode();
      var stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      connection.disconnect();
      return new Response(status, body);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " on the test OpenSearch failed", e);
    }
  }

  /** An HTTP answer. */
  public record Response(int status, String body) {}

  private static OpenSearchServer start() {
    Path unpacked = home();
    long started = System.nanoTime();
    try {
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path workDir = Files.createTempDirectory("docqa-opensearch-");
      Path data = Files.createDirectories(workDir.resolve("data"));
      Path logs = Files.createDirectories(workDir.resolve("logs"));
      Path tmp = Files.createDirectories(workDir.resolve("tmp"));
      Path home = unpacked;
      List<String> command = new ArrayList<>();
      if (isRoot()) {
        chownToNobody(unpacked);
        if (!nobodyCanRead(unpacked)) {
          // A checkout under a private folder (/root): nobody cannot reach the unpacked server there; copy it out.
          home = workDir.resolve(unpacked.getFileName());
          run("cp", "-a", unpacked.toString(), home.toString());
        }
        chownToNobody(workDir);
        command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
      }
      command.addAll(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-XX:-HeapDumpOnOutOfMemoryError",
          "-XX:ErrorFile=" + logs.resolve("hs_err_pid%p.log"),
          "-Djava.io.tmpdir=" + tmp,
          "-Dopensearch.path.home=" + home,
          "-Dopensearch.path.conf=" + home.resolve("config"),
          "-Dopensearch.distribution.type=zip",
          "-Dopensearch.bundled_jdk=false",
          "-javaagent:" + home.resolve("agent/opensearch-agent.jar"),
          "--add-modules=jdk.incubator.vector",
          "-cp", home.resolve("lib") + "/*",
          "org.opensearch.bootstrap.OpenSearch",
          "-E", "discovery.type=single-node",
          "-E", "network.host=127.0.0.1",
          "-E", "http.port=" + port,
          "-E", "path.data=" + data,
          "-E", "path.logs=" + logs,
          // A test machine's disk may be fuller than OpenSearch's watermarks like: never block writes for it.
          "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
          // Requests as large as the smallest Amazon OpenSearch Service instances take (10 MB), a little less.
          "-E", "http.max_content_length=8mb"));
      Process process = new ProcessBuilder(command)
          .directory(home.toFile())
          .redirectErrorStream(true)
          .redirectOutput(workDir.resolve("console.log").toFile())
          .start();
      OpenSearchServer server = new OpenSearchServer(process, endpoint, workDir);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "opensearch-test-server-stop"));
      server.awaitHealthy();
      server.startup = Duration.ofNanos(System.nanoTime() - started);
      System.err.printf("Test OpenSearch started on %s in %.1f s (home %s, data %s)%n",
          endpoint, server.startup.toMillis() / 1000.0, home, workDir);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test OpenSearch from " + unpacked, e);
    }
  }

  private static Path home() {
    Path distributions = DISTRIBUTIONS.toAbsolutePath();
    try (Stream<Path> homes = Files.list(distributions)) {
      return homes.filter(p -> p.getFileName().toString().startsWith("opensearch-")
              && Files.isDirectory(p.resolve("plugins/opensearch-knn")))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no OpenSearch with k-NN under " + distributions
              + ": run the build through Maven (process-test-resources unpacks it)"));
    } catch (IOException e) {
      throw new IllegalStateException("no OpenSearch under " + distributions
          + ": run the build through Maven (process-test-resources unpacks it)", e);
    }
  }

  private void awaitHealthy() throws IOException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the test OpenSearch exited with " + process.exitValue() + "; log tail:\n"
            + logTail());
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) endpoint
            .resolve("/_cluster/health?wait_for_status=yellow&timeout=1s").toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(5000);
        if (connection.getResponseCode() == 200) {
          String body = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          if (body.contains("\"status\":\"yellow\"") || body.contains("\"status\":\"green\"")) {
            return;
          }
        }
        connection.disconnect();
      } catch (IOException notYet) {
        // not listening yet
      }
      sleep(500);
    }
    stop();
    throw new IllegalStateException("the test OpenSearch was not healthy within " + STARTUP_TIMEOUT.toSeconds()
        + " s at " + endpoint + "; log tail:\n" + logTail());
  }

  private void stop() {
    process.destroy(); // SIGTERM: OpenSearch shuts down cleanly in about 2 s
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteRecursively(workDir);
  }

  private String logTail() throws IOException {
    StringBuilder tail = new StringBuilder();
    List<Path> logs = new ArrayList<>(List.of(workDir.resolve("console.log")));
    try (Stream<Path> files = Files.list(workDir.resolve("logs"))) {
      files.filter(p -> p.toString().endsWith(".log")).sorted().forEach(logs::add);
    }
    for (Path log : logs) {
      if (Files.isRegularFile(log)) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        tail.append("--- ").append(log).append('\n');
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> tail.append(l).append('\n'));
      }
    }
    return tail.toString();
  }

  private static boolean isRoot() {
    try {
      return new UnixSystem().getUid() == 0;
    } catch (RuntimeException | LinkageError e) {
      return false; // not a Unix system
    }
  }

  private static void chownToNobody(Path path) throws IOException {
    run("chown", "-R", "nobody:nogroup", path.toString());
  }

  /** Whether user nobody can reach and read the server's files at {@code home} (every parent folder included). */
  private static boolean nobodyCanRead(Path home) throws IOException {
    return exitCode("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
        "test", "-r", home.resolve("config/jvm.options").toString()) == 0;
  }

  private static void run(String... command) throws IOException {
    if (exitCode(command) != 0) {
      throw new IllegalStateException("failed: " + String.join(" ", command));
    }
  }

  private static int exitCode(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      process.getInputStream().transferTo(System.err);
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind on exit is harmless.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the test OpenSearch", e);
    }
  }
}
