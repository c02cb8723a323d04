package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.docqa.storage.FaultInjectingProxy.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fault at a time, at a chosen request, between {@link S3ObjectStore} and s3proxy: the client retries each request
 * a bounded number of times with backoff, a conditional put whose answer was lost is decided from the object at the
 * key, and whatever still fails is a {@link StorageException}.
 */
class S3FaultRetriesTest {

  private static final String BUCKET = "retries";
  private static final S3Connection.Retries RETRIES =
      new S3Connection.Retries(3, Duration.ofMillis(700), Duration.ofSeconds(8));
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static S3ProxyServer server;
  private static FaultInjectingProxy proxy;

  @TempDir Path tmp;
  private S3ObjectStore store;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    proxy = FaultInjectingProxy.start(server.endpoint(), 7);
  }

  @AfterAll
  static void stop() {
    try (S3ProxyServer s = server) {
      proxy.close();
    }
  }

  @BeforeEach
  void open() {
    store = S3ObjectStore.open(proxy.connectionFor(server.connection().withRetries(RETRIES)), BUCKET, "test-" + TESTS.incrementAndGet() + "/");
    // Slow reads trickle 4 KiB every 50 ms: a 64 KiB answer takes longer than an attempt may.
    proxy.inject(new FaultInjectingProxy.Rates(0, 0, 0, 0, RETRIES.attemptTimeout().plusMillis(300), 4096,
        Duration.ofMillis(50)));
  }

  @AfterEach
  void close() {
    proxy.stopFaults();
    proxy.rewriteETags(false);
    store.close();
  }

  @Test
  void aRequestThatNeverGetsAnAnswerIsTriedMaxAttemptsTimesThenFailsTyped() {
    int before = proxy.requests();
    proxy.schedule(Fault.TIMEOUT, 0, 100);
    assertThrows(StorageException.class, () -> store.head("k"));
    assertEquals(RETRIES.maxAttempts(), proxy.requests() - before, "no retries on top of the client's own");
  }

  @Test
  void anOutageLongerThanTheRetriesFailsTypedAndLeavesNothing() {
    int before = proxy.requests();
    proxy.schedule(Fault.SERVER_ERROR, 0, RETRIES.maxAttempts());
    assertThrows(StorageException.class, () -> store.put("k", bytes("v"), PutCondition.NONE));
    assertEquals(RETRIES.maxAttempts(), proxy.requests() - before);
    proxy.stopFaults();
    assertEquals(0, store.list("").size());
  }

  @Test
  void aPutIfAbsentWhoseAnswerWasLostIsOurs() {
    proxy.schedule(Fault.TIMEOUT, 0, 1); // lands, but the client gives up; its retry gets 412
    String etag = store.put("manifest", bytes("ours"), PutCondition.ifAbsent());
    assertEquals(ETags.of(bytes("ours")), etag);
    assertThrows(PreconditionFailedException.class, () -> store.put("manifest", bytes("theirs"), PutCondition.ifAbsent()));
  }

  @Test
  void aPutIfAbsentThatLandedIsOursEvenWhenEveryRetryFails() {
    proxy.schedule(Fault.TIMEOUT, 0, 1);
    proxy.schedule(Fault.SERVER_ERROR, 1, RETRIES.maxAttempts() - 1);
    String etag = store.put("manifest", bytes("ours"), PutCondition.ifAbsent());
    assertEquals(ETags.of(bytes("ours")), etag);
  }

  /**
   * On SSE-KMS buckets (and for multipart uploads) an ETag is not the content's MD5: the proxy rewrites every ETag the
   * client sees (and maps If-Match back). A conditional put whose answer was lost is still decided by its content:
   * judged lost, a landed manifest would make its publisher delete the files it names.
   */
  @Test
  void aLostConditionalPutIsDecidedByContentWhenETagsAreNotMd5s() {
    proxy.rewriteETags(true);
    proxy.schedule(Fault.TIMEOUT, 0, 1); // lands, but the client gives up; its retry gets 412
    String etag = store.put("manifest", bytes("ours"), PutCondition.ifAbsent());
    assertNotEquals(ETags.of(bytes("ours")), etag, "the store's ETag is not the MD5");
    assertEquals(store.head("manifest").orElseThrow().etag(), etag, "the ETag the store reports");

    proxy.schedule(Fault.TIMEOUT, 0, 1);
    String next = store.put("manifest", bytes("ours, next"), new PutCondition.IfMatch(etag));
    assertEquals(store.head("manifest").orElseThrow().etag(), next, "a lost If-Match answer, decided by content");

    assertThrows(PreconditionFailedException.class,
        () -> store.put("manifest", bytes("theirs"), new PutCondition.IfMatch(etag)), "a stale If-Match loses");
    proxy.schedule(Fault.TIMEOUT, 0, 1);
    assertThrows(PreconditionFailedException.class,
        () -> store.put("manifest", bytes("theirs"), PutCondition.ifAbsent()), "someone else's content: lost");
  }

  @Test
  void aPutIfAbsentThatDidNotLandAndCannotBeDecidedFailsTyped() {
    proxy.schedule(Fault.SERVER_ERROR, 0, RETRIES.maxAttempts() + 1); // the deciding GET fails too
    assertThrows(StorageException.class, () -> store.put("manifest", bytes("ours"), PutCondition.ifAbsent()));
    proxy.stopFaults();
    assertEquals(0, store.list("").size());
  }

  @Test
  void anUploadDroppedMidwayIsSentAgainWhole() throws Exception {
    byte[] content = randomBytes(200_000);
    Path file = Files.write(tmp.resolve("segment"), content);
    proxy.schedule(Fault.DROPPED_UPLOAD, 0, 1);
    String etag = store.upload(file, "files/segment");
    assertEquals(ETags.of(content), etag);
    proxy.schedule(Fault.DROPPED_UPLOAD, 0, 1);
    store.put("files/bytes", content, PutCondition.ifAbsent());
    store.download("files/bytes", tmp.resolve("copy"));
    assertArrayEquals(content, Files.readAllBytes(tmp.resolve("copy")));
  }

  @Test
  void aDownloadTrickledPastTheAttemptTimeoutIsRetried() throws Exception {
    byte[] content = randomBytes(64 * 1024);
    store.put("big", content, PutCondition.NONE);
    int before = proxy.requests();
    proxy.schedule(Fault.SLOW_READ, 0, 1);
    store.download("big", tmp.resolve("big"));
    assertArrayEquals(content, Files.readAllBytes(tmp.resolve("big")));
    assertEquals(2, proxy.requests() - before, "the trickled attempt was abandoned and tried again");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }
}
