package dev.docqa.storage;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bucket on an s3proxy server started once per test class, registered as a static {@code @RegisterExtension} field.
 * The server is up before the class's {@code @BeforeAll} methods run (a proxy in front of it can start there) and stops
 * after its {@code @AfterAll} methods. Each {@link #freshPrefix()} is new, so the tests of a class never see each other's
 * objects.
 */
public final class S3TestBucket implements BeforeAllCallback, AfterAllCallback {

  private final String bucket;
  private final AtomicInteger prefixes = new AtomicInteger();
  private S3ProxyServer server;

  public S3TestBucket(String bucket) {
    this.bucket = bucket;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = S3ProxyServer.start();
    server.createBucket(bucket);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  public S3ProxyServer server() {
    return server;
  }

  public String name() {
    return bucket;
  }

  /** A key prefix no other store of this class has used: {@code test-N/}. */
  public String freshPrefix() {
    return "test-" + prefixes.incrementAndGet() + "/";
  }

  /** A store on a fresh prefix, straight to the server. */
  public ObjectStore newStore() {
    return newStore(server.connection());
  }

  /** A store on a fresh prefix through {@code connection} (e.g. a proxy in front of the server). */
  public ObjectStore newStore(S3Connection connection) {
    return S3ObjectStore.open(connection, bucket, freshPrefix());
  }
}
