package dev.docqa.replication;

import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Index publishing over the real S3 protocol (s3proxy as a child JVM); each test gets a fresh key prefix. */
class S3IndexReplicationTest extends IndexReplicationContractTest {

  private static final String BUCKET = "replication";
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected ObjectStore newStore() {
    return S3ObjectStore.open(server.connection(), BUCKET, "test-" + TESTS.incrementAndGet() + "/");
  }
}
