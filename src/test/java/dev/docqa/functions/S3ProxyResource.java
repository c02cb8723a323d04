package dev.docqa.functions;

import dev.docqa.storage.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Starts s3proxy for a {@code @QuarkusTest} and points the injected S3 client and docqa's storage at it: bucket
 * {@value #BUCKET}, store prefix {@value #STORE_PREFIX}.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

  public static final String BUCKET = "docqa-test";
  public static final String STORE_PREFIX = "app/";
  private S3ProxyServer server;

  @Override
  public Map<String, String> start() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    return Map.of(
        "quarkus.s3.endpoint-override", server.endpoint().toString(),
        "docqa.storage.location", "s3://" + BUCKET + "/" + STORE_PREFIX,
        "docqa.storage.cache-dir", "target/quarkus-test-cache/" + UUID.randomUUID());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
