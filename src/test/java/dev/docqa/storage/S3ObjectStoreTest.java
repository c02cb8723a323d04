package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract over the real S3 protocol (s3proxy as a child JVM); each test gets a fresh key prefix. */
class S3ObjectStoreTest extends ObjectStoreContractTest {

  @RegisterExtension static final S3TestBucket BUCKET = new S3TestBucket("contract");

  @Override
  protected ObjectStore newStore() {
    return BUCKET.newStore();
  }

  @Test
  void prefixesIsolateStores() {
    try (ObjectStore other = BUCKET.newStore()) {
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
