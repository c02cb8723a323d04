package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.events.DocumentEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3EventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One S3 notification record with every field of AWS's published sample ("Event message structure" in the S3 user
   * guide): userIdentity, requestParameters, responseElements, s3.bucket.ownerIdentity included.
   */
  static String s3Record(String eventName, String bucket, String key, String sequencer) {
    return """
        {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-22T10:00:00.000Z",
         "eventName":"%s","userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
         "requestParameters":{"sourceIPAddress":"203.0.113.17"},
         "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810",
          "x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
         "s3":{"s3SchemaVersion":"1.0","configurationId":"docqa",
         "bucket":{"name":"%s","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::%s"},
         "object":{"key":"%s","size":1024,"eTag":"0123456789abcdef","versionId":"v1","sequencer":"%s"}}}
        """.formatted(eventName, bucket, bucket, key, sequencer);
  }

  static IngestEvent parse(String json) throws Exception {
    return JSON.readValue(json, IngestEvent.class);
  }

  @Test
  void aDirectS3NotificationGivesDecodedEvents() throws Exception {
    IngestEvent event =
        parse("{\"Records\":[" + s3Record("ObjectCreated:Put", "b", "docs/My+Report+%282026%29.pdf", "0055AED6DCD90281E5") + ","
            + s3Record("ObjectRemoved:Delete", "b", "docs/old.txt", "0055AED6DCD9028200") + "]}");
    List<IngestEvent.Record> records = event.getRecords();
    assertFalse(records.get(0).isSqsMessage());
    DocumentEvent created = S3Events.of(records.get(0)).get(0);
    assertEquals(
        new DocumentEvent(DocumentEvent.Kind.CREATED, "b", "docs/My Report (2026).pdf", "0123456789abcdef", "v1",
            "0055AED6DCD90281E5", null),
        created);
    DocumentEvent removed = S3Events.of(records.get(1)).get(0);
    assertEquals(DocumentEvent.Kind.REMOVED, removed.kind());
    assertEquals(null, removed.etag());
  }

  @Test
  void sqsMessagesCarryNotificationsInTheirBody() throws Exception {
    String body = JSON.writeValueAsString("{\"Records\":[" + s3Record("ObjectCreated:Put", "b", "docs/a+b.txt", "01") + "]}");
    String testEvent = JSON.writeValueAsString("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}");
    IngestEvent event =
        parse("{\"Records\":[{\"messageId\":\"m1\",\"receiptHandle\":\"r\",\"body\":" + body
            + ",\"eventSource\":\"aws:sqs\"},{\"messageId\":\"m2\",\"body\":" + testEvent + "}]}");
    IngestEvent.Record message = event.getRecords().get(0);
    assertTrue(message.isSqsMessage());
    DocumentEvent decoded = S3Events.of(message).get(0);
    assertEquals("docs/a b.txt", decoded.key());
    assertEquals("m1", decoded.messageId());
    assertEquals(List.of(), S3Events.of(event.getRecords().get(1)), "the s3:TestEvent holds no change");
  }

  @Test
  void malformedInputNamesTheMessage() throws Exception {
    IngestEvent event = parse("{\"Records\":[{\"messageId\":\"m9\",\"body\":\"not json\"}]}");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> S3Events.of(event.getRecords().get(0)));
    assertTrue(e.getMessage().contains("m9"), e.getMessage());
    IngestEvent noKey = parse("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"}}}]}");
    assertThrows(InvalidInputException.class, () -> S3Events.of(noKey.getRecords().get(0)));
    assertThrows(InvalidInputException.class, () -> S3Events.decodeKey("bad%zz"));
  }

  @Test
  void otherEventTypesAreNotDocumentChanges() throws Exception {
    IngestEvent event = parse("{\"Records\":[" + s3Record("ObjectRestore:Completed", "b", "docs/a", "01") + "]}");
    assertEquals(List.of(), S3Events.of(event.getRecords().get(0)));
  }

  @Test
  void s3PrefixedEventNamesAreUnderstood() throws Exception {
    IngestEvent event = parse("{\"Records\":[" + s3Record("s3:ObjectCreated:Put", "b", "docs/a", "01") + ","
        + s3Record("s3:LifecycleExpiration:Delete", "b", "docs/b", "02") + ","
        + s3Record("s3:ObjectRemoved:DeleteMarkerCreated", "b", "docs/c", "03") + "]}");
    assertEquals(List.of(DocumentEvent.Kind.CREATED, DocumentEvent.Kind.REMOVED, DocumentEvent.Kind.REMOVED),
        event.getRecords().stream().map(r -> S3Events.of(r).getFirst().kind()).toList());
  }

  /** A sequencer that is not hex would sort above every real one, so later real events would be dropped. */
  @Test
  void aSequencerThatIsNotHexIsMalformedInput() throws Exception {
    String body = JSON.writeValueAsString(
        "{\"Records\":[" + s3Record("ObjectCreated:Put", "b", "docs/a", "zz-not-hex") + "]}");
    IngestEvent event = parse("{\"Records\":[{\"messageId\":\"m7\",\"eventSource\":\"aws:sqs\",\"body\":" + body + "}]}");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> S3Events.of(event.getRecords().get(0)));
    assertTrue(e.getMessage().contains("m7") && e.getMessage().contains("sequencer=zz-not-hex"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> S3Events.of(parse("{\"Records\":["
        + s3Record("ObjectCreated:Put", "b", "docs/a", "0".repeat(65)) + "]}").getRecords().get(0)));
  }

  /** Every event dropped before reconciliation says why, in one JSON line with {@code event} ingest.ignored. */
  @Test
  void droppedEventsAreLoggedWithTheirReason() throws Exception {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.docqa.functions");
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    try {
      assertEquals(List.of(), S3Events.of(parse("{\"Records\":["
          + s3Record("ObjectRestore:Completed", "b", "docs/a", "01") + "]}").getRecords().get(0)));
      String testEvent = JSON.writeValueAsString("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}");
      assertEquals(List.of(), S3Events.of(parse("{\"Records\":[{\"messageId\":\"m2\",\"body\":" + testEvent + "}]}")
          .getRecords().get(0)));
    } finally {
      logger.removeHandler(capture);
    }
    List<com.fasterxml.jackson.databind.JsonNode> ignored = new java.util.ArrayList<>();
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(line);
      if (json.path("event").asText().equals("ingest.ignored")) {
        ignored.add(json);
      }
    }
    assertEquals(2, ignored.size(), lines.toString());
    assertTrue(ignored.get(0).get("reason").asText().contains("ObjectRestore:Completed"), ignored.toString());
    assertEquals("docs/a", ignored.get(0).get("key").asText());
    assertTrue(ignored.get(1).get("reason").asText().contains("s3:TestEvent"), ignored.toString());
    assertEquals("m2", ignored.get(1).get("messageId").asText());
  }
}
