package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.service.LocalDocQa;
import dev.docqa.storage.PutCondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-event catalogue for {@code ingest}, through {@link IngestHandler} on the real service over a local store:
 * a malformed SQS message is reported for retry alone, with the index untouched by it and the good messages of its
 * batch applied; events that are not document changes are acknowledged without effect. Cases already covered are not
 * repeated: SQS body not JSON, other bucket or prefix, duplicates and reordering by sequencer, replace and remove
 * ({@code IngestFunctionTest}); test-event and restore-event parsing, missing key, bad escape ({@link S3EventsTest}).
 */
class BadIngestEventTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "docqa-bucket";
  private static final AtomicInteger GOOD = new AtomicInteger();
  private static final AtomicInteger SEQUENCE = new AtomicInteger(0x1000);

  @TempDir static Path work;
  private static LocalDocQa docqa;
  private static IngestHandler handler;
  private static String prefix;

  @BeforeAll
  static void open() throws Exception {
    docqa = LocalDocQa.open(work);
    prefix = docqa.storage().documentPrefix();
    // A document that stays, so the index is never empty and questions always have something to search.
    Path seed = java.nio.file.Files.writeString(work.resolve("seed.txt"), "Ingrid Solberg kept Varnholm Light.");
    docqa.service().ingest("seed.txt", seed, "1");
    handler = new IngestHandler(new EventReconciler(docqa.service(), docqa.store(), prefix,
        new EventFilter(BUCKET, prefix), work.resolve("downloads")));
  }

  @AfterAll
  static void close() {
    docqa.close();
  }

  static Stream<Arguments> malformedMessages() throws Exception {
    String snsEnvelope = JSON.writeValueAsString(Map.of("Type", "Notification", "TopicArn", "arn:aws:sns:x:1:t",
        "Message", "{\"Records\":[" + created("sns.txt") + "]}"));
    String eventBridge = "{\"version\":\"0\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
        + "\"detail\":{\"bucket\":{\"name\":\"" + BUCKET + "\"},\"object\":{\"key\":\"" + prefix + "eb.txt\"}}}";
    String noEventName = "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"" + BUCKET + "\"},\"object\":{\"key\":\""
        + prefix + "x.txt\"}}}]}";
    String noBucket = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\""
        + prefix + "x.txt\"}}}]}";
    return Stream.of(
        argumentSet("SQS body is an SNS envelope", snsEnvelope),
        argumentSet("SQS body is an EventBridge event", eventBridge),
        argumentSet("SQS body is a JSON array", "[1,2,3]"),
        argumentSet("SQS body is JSON null", "null"),
        argumentSet("SQS body is missing", (Object) null),
        argumentSet("SQS body has Records null", "{\"Records\":null}"),
        argumentSet("S3 record without eventName", noEventName),
        argumentSet("S3 record without bucket", noBucket),
        argumentSet("key with a raw percent sign", "{\"Records\":[" + createdRaw(prefix + "100%.txt") + "]}"),
        argumentSet("key percent-encoded in Latin-1, not UTF-8", "{\"Records\":[" + createdRaw(prefix + "%FCber.txt") + "]}"));
  }

  @ParameterizedTest
  @MethodSource("malformedMessages")
  void aMalformedMessageIsRetriedAloneAndChangesNothing(String body) throws Exception {
    Map<String, String> before = docqa.indexObjects();
    assertEquals(List.of("bad"), failures(handle(sqs("bad", body))));
    assertEquals(before, docqa.indexObjects(), "a malformed message publishes nothing");

    String good = uploadGood();
    assertEquals(List.of("bad"), failures(handle(sqs("bad", body), sqs("good", notification(created(good))))));
    assertTrue(isIndexed(good), "the good message of the batch is applied");
  }

  static Stream<Arguments> ignorableNotifications() throws Exception {
    String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-22T10:00:00Z\","
        + "\"Bucket\":\"" + BUCKET + "\",\"RequestId\":\"r\",\"HostId\":\"h\"}";
    return Stream.of(
        argumentSet("s3:TestEvent", testEvent),
        argumentSet("empty Records", "{\"Records\":[]}"),
        argumentSet("folder marker under the prefix", notification(createdRaw(prefix + "reports/"))),
        argumentSet("the prefix itself without its slash",
            notification(createdRaw(prefix.substring(0, prefix.length() - 1)))),
        argumentSet("an index object (the function's own writes)", notification(createdRaw("index/manifest-9.json"))),
        argumentSet("object tagging, not a change of content",
            notification(S3EventsTest.s3Record("ObjectTagging:Put", BUCKET, prefix + "seed.txt", next()))));
  }

  @ParameterizedTest
  @MethodSource("ignorableNotifications")
  void aNotificationThatIsNoDocumentChangeIsAcknowledgedWithoutEffect(String body) throws Exception {
    Map<String, String> before = docqa.indexObjects();
    assertEquals(List.of(), failures(handle(sqs("m1", body))));
    assertEquals(before, docqa.indexObjects());
  }

  @Test
  void aDirectS3TestEventIsAcknowledged() throws Exception {
    Map<String, String> before = docqa.indexObjects();
    IngestEvent direct = S3EventsTest.parse(
        "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"" + BUCKET + "\"}");
    assertEquals(List.of(), failures(handler.handle(direct)));
    assertEquals(before, docqa.indexObjects());
  }

  @Test
  void aDirectInvocationWithAMalformedRecordAppliesTheGoodOneThenFails() throws Exception {
    String good = uploadGood();
    IngestEvent direct = S3EventsTest.parse("{\"Records\":[" + createdRaw(prefix + "bad%zz.txt") + ","
        + created(good) + "]}");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> handler.handle(direct));
    assertTrue(e.getMessage().contains("bad%zz"), e.getMessage());
    assertTrue(isIndexed(good), "the good record ran before the failure was reported");
  }

  @Test
  void aDocumentDeletedBeforeItsCreatedEventIsProcessedIsNotIndexed() throws Exception {
    String id = uploadGood();
    docqa.store().delete(prefix + id);
    assertEquals(List.of(), failures(handle(sqs("m1", notification(created(id))))));
    assertTrue(!isIndexed(id));
  }

  @Test
  void anIndexedDocumentDeletedBeforeALateCreatedEventIsRemoved() throws Exception {
    String id = uploadGood();
    assertEquals(List.of(), failures(handle(sqs("m1", notification(created(id))))));
    assertTrue(isIndexed(id));
    docqa.store().delete(prefix + id);
    // The object's removal event is still in flight; a newer creation event (a second upload, since deleted) arrives.
    assertEquals(List.of(), failures(handle(sqs("m2", notification(created(id))))));
    assertTrue(!isIndexed(id), "the store, not the event, decides");
  }

  @Test
  void aLifecycleExpirationRemovesTheDocument() throws Exception {
    String id = uploadGood();
    assertEquals(List.of(), failures(handle(sqs("m1", notification(created(id))))));
    docqa.store().delete(prefix + id);
    String expired = S3EventsTest.s3Record("LifecycleExpiration:Delete", BUCKET, prefix + id, next());
    assertEquals(List.of(), failures(handle(sqs("m2", notification(expired)))));
    assertTrue(!isIndexed(id), "an expired object leaves the index like a deleted one");
  }

  @Test
  void theSameMessageTwiceInOneBatchIsAppliedOnce() throws Exception {
    String id = uploadGood();
    String body = notification(created(id));
    assertEquals(List.of(), failures(handle(sqs("m1", body), sqs("m1", body))));
    assertEquals(1, passagesOf(id).size());
  }

  @Test
  void aCorruptDocumentIsAcknowledgedAndItsBatchNeighbourIndexed() throws Exception {
    docqa.store().put(prefix + "corrupt.pdf", new byte[] {'%', 'P', 'D', 'F', '-', '1', 0, 1, 2}, new PutCondition.Always());
    String good = uploadGood();
    assertEquals(List.of(), failures(handle(sqs("m1", notification(created("corrupt.pdf"))),
        sqs("m2", notification(created(good))))), "retrying a corrupt document cannot help");
    assertTrue(isIndexed(good));
    assertTrue(passagesOf("corrupt.pdf").isEmpty());
  }

  @Test
  void anEventWithoutSequencerIsApplied() throws Exception {
    String id = uploadGood();
    String record = S3EventsTest.s3Record("ObjectCreated:Put", BUCKET, prefix + id, "")
        .replace(",\"sequencer\":\"\"", "");
    assertEquals(List.of(), failures(handle(sqs("m1", notification(record)))));
    assertTrue(isIndexed(id));
  }

  /** Uploads a new small document with its own marker word and returns its id. */
  private static String uploadGood() {
    int n = GOOD.incrementAndGet();
    String id = "good-" + n + ".txt";
    docqa.store().put(prefix + id, ("The tern colony number " + n + " nests on marker" + n + " rock.")
        .getBytes(StandardCharsets.UTF_8), new PutCondition.Always());
    return id;
  }

  private static boolean isIndexed(String id) {
    return !passagesOf(id).isEmpty();
  }

  private static List<Passage> passagesOf(String id) {
    String marker = id.startsWith("good-") ? "marker" + id.substring(5, id.indexOf('.')) : id;
    return docqa.service().retrieve(marker, 100, RetrieverMode.BM25).stream()
        .filter(p -> p.documentId().equals(id)).toList();
  }

  private static String next() {
    return String.format("%016X", SEQUENCE.incrementAndGet());
  }

  private static String created(String id) {
    return createdRaw(prefix + id);
  }

  private static String createdRaw(String key) {
    return S3EventsTest.s3Record("ObjectCreated:Put", BUCKET, key, next());
  }

  private static String notification(String record) {
    return "{\"Records\":[" + record + "]}";
  }

  private static String sqs(String messageId, String body) throws Exception {
    return "{\"messageId\":\"" + messageId + "\",\"receiptHandle\":\"r\",\"eventSource\":\"aws:sqs\",\"body\":"
        + JSON.writeValueAsString(body) + "}";
  }

  private static SqsBatchResponse handle(String... records) throws Exception {
    return handler.handle(S3EventsTest.parse("{\"Records\":[" + String.join(",", records) + "]}"));
  }

  private static List<String> failures(SqsBatchResponse response) {
    return response.getBatchItemFailures().stream().map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList();
  }
}
