package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "docs-bucket";

  @TempDir Path tmp;
  private ObjectStore store;
  private final RecordingDocQa docQa = new RecordingDocQa();
  private IngestHandler handler;

  @BeforeEach
  void setUp() {
    store = new LocalObjectStore(tmp.resolve("store"));
    handler =
        new IngestHandler(
            docQa,
            store,
            "docs/",
            new EventFilter(BUCKET, "docs/"),
            new EventLedger(store, "index/events/", Clock.systemUTC(), Duration.ofMinutes(5)),
            tmp.resolve("downloads"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private void upload(String documentId, String text) {
    store.put("docs/" + documentId, text.getBytes(StandardCharsets.UTF_8), PutCondition.NONE);
  }

  private static String record(String eventName, String bucket, String encodedKey, String sequencer) {
    return S3EventsTest.s3Record(eventName, bucket, encodedKey, sequencer);
  }

  private static IngestEvent s3(String... records) throws Exception {
    return JSON.readValue("{\"Records\":[" + String.join(",", records) + "]}", IngestEvent.class);
  }

  private static IngestEvent sqs(Map<String, String> bodiesByMessageId) throws Exception {
    StringBuilder json = new StringBuilder("{\"Records\":[");
    String separator = "";
    for (Map.Entry<String, String> message : bodiesByMessageId.entrySet()) {
      json.append(separator).append("{\"messageId\":\"").append(message.getKey()).append("\",\"eventSource\":\"aws:sqs\",\"body\":")
          .append(JSON.writeValueAsString(message.getValue())).append('}');
      separator = ",";
    }
    return JSON.readValue(json.append("]}").toString(), IngestEvent.class);
  }

  @Test
  void createdDocumentsAreIngestedUnderTheirDecodedId() throws Exception {
    upload("My Report.txt", "report text");
    SqsBatchResponse response = handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/My+Report.txt", "0A")));
    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(Map.of("My Report.txt", "report text"), docQa.documents);
    assertTrue(docQa.calls.get(0).startsWith("ingest My Report.txt "), docQa.calls.toString());
  }

  @Test
  void duplicateAndOutOfOrderEventsAreDropped() throws Exception {
    upload("a.txt", "v1");
    handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/a.txt", "0A")));
    handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/a.txt", "0A")));
    assertEquals(1, docQa.calls.size(), "the duplicate is dropped");

    store.delete("docs/a.txt");
    handler.handle(s3(record("ObjectRemoved:Delete", BUCKET, "docs/a.txt", "0C")));
    assertEquals("delete a.txt", docQa.calls.get(1));
    handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/a.txt", "0B")));
    assertEquals(2, docQa.calls.size(), "the late, older creation is dropped");
    assertEquals(Map.of(), docQa.documents);
  }

  @Test
  void theNewestEventOfABatchWinsAndTheStoreDecides() throws Exception {
    upload("b.txt", "final");
    // Reordered within the batch: the removal is older than the second creation.
    handler.handle(
        s3(
            record("ObjectCreated:Put", BUCKET, "docs/b.txt", "0200"),
            record("ObjectCreated:Put", BUCKET, "docs/b.txt", "04"),
            record("ObjectRemoved:Delete", BUCKET, "docs/b.txt", "03")));
    assertEquals(1, docQa.calls.size(), docQa.calls.toString());
    assertEquals(Map.of("b.txt", "final"), docQa.documents);

    // A creation event whose object is gone again deletes the document.
    store.delete("docs/b.txt");
    handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/b.txt", "05")));
    assertEquals("delete b.txt", docQa.calls.get(1));
  }

  @Test
  void otherBucketsAndPrefixesAreIgnored() throws Exception {
    upload("c.txt", "c");
    handler.handle(
        s3(
            record("ObjectCreated:Put", "another-bucket", "docs/c.txt", "01"),
            record("ObjectCreated:Put", BUCKET, "index/manifests/0000000000000000001", "01")));
    assertEquals(List.of(), docQa.calls);
  }

  @Test
  void sqsBatchesReportOnlyTheFailedMessages() throws Exception {
    upload("ok.txt", "fine");
    upload("bad.txt", "boom");
    String ok = "{\"Records\":[" + record("ObjectCreated:Put", BUCKET, "docs/ok.txt", "01") + "]}";
    String bad = "{\"Records\":[" + record("ObjectCreated:Put", BUCKET, "docs/bad.txt", "01") + "]}";
    IngestEvent event =
        sqs(new java.util.LinkedHashMap<>(Map.of("m-ok", ok, "m-malformed", "{not json")));
    SqsBatchResponse response = handler.handle(event);
    assertEquals(List.of("m-malformed"), response.getBatchItemFailures().stream().map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    assertEquals(Map.of("ok.txt", "fine"), docQa.documents);

    docQa.failIngestWith = new IllegalStateException("disk full");
    SqsBatchResponse failed = handler.handle(sqs(Map.of("m-bad", bad)));
    assertEquals("m-bad", failed.getBatchItemFailures().get(0).getItemIdentifier());
    docQa.failIngestWith = null;
    assertEquals(List.of(), handler.handle(sqs(Map.of("m-bad", bad))).getBatchItemFailures(), "the retry succeeds");
    assertEquals("boom", docQa.documents.get("bad.txt"));
  }

  @Test
  void directInvocationFailuresAreThrownForLambdaToRetry() throws Exception {
    upload("d.txt", "d");
    IllegalStateException failure = new IllegalStateException("store down");
    docQa.failIngestWith = failure;
    assertSame(failure, assertThrows(IllegalStateException.class,
        () -> handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/d.txt", "01")))));
    docQa.failIngestWith = null;
    handler.handle(s3(record("ObjectCreated:Put", BUCKET, "docs/d.txt", "01")));
    assertEquals(Map.of("d.txt", "d"), docQa.documents, "nothing was recorded for the failed attempt");
  }
}
