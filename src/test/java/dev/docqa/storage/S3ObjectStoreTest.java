package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract over the real S3 protocol (s3proxy as a child JVM); each test gets a fresh key prefix. */
class S3ObjectStoreTest extends ObjectStoreContractTest {

  private static final String BUCKET = "contract";
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

  @Test
  void prefixesIsolateStores() {
    try (ObjectStore other = S3ObjectStore.open(server.connection(), BUCKET, "other-" + TESTS.incrementAndGet() + "/")) {
      store.put("k", "mine".getBytes(UTF_8), PutCondition.NONE);
      assertEquals(0, other.list("").size());
      assertEquals(1, store.list("").size());
      assertEquals("s3://contract/" + store.describe().substring("s3://contract/".length()), store.describe());
    }
  }

  @Test
  void locationsParse() {
    assertEquals(new ObjectStores.S3Location("b", "x/y/"), ObjectStores.S3Location.parse("s3://b/x/y"));
    assertEquals(new ObjectStores.S3Location("b", ""), ObjectStores.S3Location.parse("s3://b"));
  }
}
