package dev.docqa.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract over S3 through the {@link FaultInjectingProxy} with its faults off: the proxy forwards the SDK's
 * requests faithfully (signed headers, {@code Expect: 100-continue}, {@code aws-chunked} uploads), so whatever the
 * fault test sees comes from the faults it injects, not from the proxy.
 */
class S3ThroughProxyObjectStoreTest extends ObjectStoreContractTest {

  @RegisterExtension static final S3TestBucket BUCKET = new S3TestBucket("proxied");
  private static FaultInjectingProxy proxy;

  @BeforeAll
  static void startProxy() {
    proxy = FaultInjectingProxy.start(BUCKET.server().endpoint(), 1);
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @Override
  protected ObjectStore newStore() {
    return BUCKET.newStore(proxy.connectionFor(BUCKET.server().connection()));
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
