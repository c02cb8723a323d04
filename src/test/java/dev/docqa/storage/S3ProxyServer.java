package dev.docqa.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server for tests: s3proxy (in-memory {@code transient-nio2} backend, no authentication) started as
 * a child JVM on a free local port, from the jar Maven copies to {@code target/test-servers/s3proxy.jar}.
 *
 * <p>{@link #start()} returns once the server answers HTTP; {@link #close()} kills it and waits for it to exit. Not
 * thread-safe; one instance per test class (or per Quarkus test resource).
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String REGION = "us-east-1";
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI endpoint;
  private final Path workDir;

  private S3ProxyServer(Process process, URI endpoint, Path workDir) {
    this.process = process;
    this.endpoint = endpoint;
    this.workDir = workDir;
  }

  /** Starts a server and waits until it answers. */
  public static S3ProxyServer start() {
    Path jar = Path.of("target/test-servers/s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("missing " + jar + ": run the build through Maven (process-test-resources copies it)");
    }
    try {
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path workDir = Files.createTempDirectory("s3proxy-");
      Path properties = workDir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.authorization=none",
              "s3proxy.endpoint=" + endpoint,
              "jclouds.provider=transient-nio2",
              "jclouds.identity=" + ACCESS_KEY,
              "jclouds.credential=" + SECRET_KEY,
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process =
          new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString()))
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("s3proxy.log").toFile())
              .start();
      S3ProxyServer server = new S3ProxyServer(process, endpoint, workDir);
      boolean started = false;
      try {
        server.awaitReady();
        started = true;
        return server;
      } finally {
        if (!started) {
          server.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start s3proxy", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Connection settings for a client of this server (path-style, static test credentials). */
  public S3Connection connection() {
    return new S3Connection(endpoint, REGION, ACCESS_KEY, SECRET_KEY, true);
  }

  /** Creates a bucket (idempotent for a fresh name). */
  public void createBucket(String bucket) {
    try (S3Client client = connection().newClient()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + "; log:\n" + log());
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
        connection.setConnectTimeout(500);
        connection.setReadTimeout(2000);
        connection.getResponseCode(); // any HTTP answer means the server is up
        connection.disconnect();
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IllegalStateException("s3proxy did not answer within " + STARTUP_TIMEOUT + "; log:\n" + log());
  }

  private String log() throws IOException {
    return Files.readString(workDir.resolve("s3proxy.log"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for s3proxy", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
