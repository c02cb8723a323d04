package dev.docqa.replication;

import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3TestBucket;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Index publishing over the real S3 protocol (s3proxy as a child JVM); each test gets a fresh key prefix. */
class S3IndexReplicationTest extends IndexReplicationContractTest {

  @RegisterExtension static final S3TestBucket BUCKET = new S3TestBucket("replication");

  @Override
  protected ObjectStore newStore() {
    return BUCKET.newStore();
  }
}
