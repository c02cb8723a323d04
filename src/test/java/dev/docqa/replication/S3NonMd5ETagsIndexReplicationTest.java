package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.storage.FaultInjectingProxy;
import dev.docqa.storage.FaultInjectingProxy.Fault;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3Connection;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3TestBucket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replication contract over S3 whose ETags are not MD5s (as on SSE-KMS buckets and for multipart uploads): every
 * request goes through a {@link FaultInjectingProxy} that rewrites the ETags the client sees. Plus the case that made it
 * matter: a manifest put whose answer is lost must be judged by its content, so the publish succeeds and no file the
 * published manifest names is deleted.
 */
class S3NonMd5ETagsIndexReplicationTest extends IndexReplicationContractTest {

  @RegisterExtension static final S3TestBucket BUCKET = new S3TestBucket("kms-like");
  private static final S3Connection.Retries RETRIES =
      new S3Connection.Retries(3, Duration.ofMillis(1500), Duration.ofSeconds(10));
  private static FaultInjectingProxy proxy;
  private String prefix;

  @BeforeAll
  static void startProxy() {
    proxy = FaultInjectingProxy.start(BUCKET.server().endpoint(), 11);
    proxy.rewriteETags(true);
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @Override
  protected ObjectStore newStore() {
    prefix = BUCKET.freshPrefix();
    return S3ObjectStore.open(proxy.connectionFor(BUCKET.server().connection().withRetries(RETRIES)), BUCKET.name(),
        prefix);
  }

  @Test
  void aManifestWhoseAnswerWasLostIsPublishedAndKeepsItsFiles() throws Exception {
    IndexPublisher publisher = publisher(store);
    publisher.update(add("a"));
    // The manifest put lands, its answer is held past the attempt timeout; the retry gets 412 and the store decides.
    proxy.scheduleAt("PUT /" + BUCKET.name() + "/" + prefix + PREFIX + "manifests/", List.of(Fault.TIMEOUT));

    IndexPublisher.Update<String> update = publisher.update(add("b"));

    assertTrue(update.published(), "the landed manifest is ours, not a lost race");
    try (ObjectStore bucket = S3ObjectStore.open(BUCKET.server().connection(), BUCKET.name(), prefix)) {
      IndexReplica fresh = replica(bucket, Duration.ZERO);
      assertEquals(Set.of("a", "b"), idsOf(fresh), "a fresh reader opens the published commit whole");
      assertEquals(2, fresh.generation());
      Set<String> files = bucket.list(PREFIX + "files/").stream().map(ObjectInfo::key).collect(Collectors.toSet());
      assertTrue(files.size() > 0, files.toString());
    }
    assertEquals(1, proxy.injected().get(Fault.TIMEOUT), "the lost answer happened");
  }
}
