package dev.docqa.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract over S3 through the {@link FaultInjectingProxy} with its faults off: the proxy forwards the SDK's
 * requests faithfully (signed headers, {@code Expect: 100-continue}, {@code aws-chunked} uploads), so whatever the
 * fault test sees comes from the faults it injects, not from the proxy.
 */
class S3ThroughProxyObjectStoreTest extends ObjectStoreContractTest {

  private static final String BUCKET = "proxied";
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static S3ProxyServer server;
  private static FaultInjectingProxy proxy;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    proxy = FaultInjectingProxy.start(server.endpoint(), 1);
  }

  @AfterAll
  static void stop() {
    try (S3ProxyServer s = server) {
      proxy.close();
    }
  }

  @Override
  protected ObjectStore newStore() {
    S3Connection direct = server.connection();
    S3Connection viaProxy = new S3Connection(proxy.endpoint(), direct.region(), direct.accessKeyId(),
        direct.secretAccessKey(), true);
    return S3ObjectStore.open(viaProxy, BUCKET, "test-" + TESTS.incrementAndGet() + "/");
  }

  @Test
  void requestsPassThroughTheProxyWithNoFault() {
    int before = proxy.requests();
    store.put("k", new byte[] {1, 2, 3}, PutCondition.ifAbsent());
    assertEquals(3, store.head("k").orElseThrow().size());
    assertTrue(proxy.requests() >= before + 2, "requests went through the proxy: " + proxy.requests());
    assertTrue(proxy.injected().values().stream().allMatch(n -> n == 0), proxy.injected().toString());
  }
}
