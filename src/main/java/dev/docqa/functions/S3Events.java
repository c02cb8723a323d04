package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns the {@code ingest} function's input (S3 notification or SQS-wrapped notifications) into document events. */
public final class S3Events {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private S3Events() {}

  /**
   * The events of one input record: an S3 record gives one event (or none when it is not an object change), an SQS
   * message the events of the notification in its body.
   *
   * @throws InvalidInputException when the record is malformed (SQS body not an S3 notification, missing key)
   */
  public static List<DocumentEvent> of(IngestEvent.Record record) {
    if (!record.isSqsMessage()) {
      return fromS3Record(record, null).map(List::of).orElse(List.of());
    }
    S3Notification notification;
    try {
      notification = JSON.readValue(record.getBody() == null ? "" : record.getBody(), S3Notification.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "SQS message " + record.getMessageId() + " does not hold an S3 event notification: " + e.getOriginalMessage(),
          e);
    }
    List<DocumentEvent> events = new ArrayList<>();
    for (S3EventRecord s3Record : notification.getRecords()) {
      fromS3Record(s3Record, record.getMessageId()).ifPresent(events::add);
    }
    return List.copyOf(events);
  }

  /** Decodes an S3 notification key: URL-encoded, with {@code +} for a space. */
  public static String decodeKey(String encoded) {
    try {
      return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("S3 event key is not valid URL encoding; key=" + encoded, e);
    }
  }

  private static java.util.Optional<DocumentEvent> fromS3Record(S3EventRecord record, String messageId) {
    String name = record.getEventName();
    DocumentEvent.Kind kind;
    if (name != null && name.startsWith("ObjectCreated:")) {
      kind = DocumentEvent.Kind.CREATED;
    } else if (name != null && name.startsWith("ObjectRemoved:")) {
      kind = DocumentEvent.Kind.REMOVED;
    } else {
      return java.util.Optional.empty(); // e.g. replication or restore events: not a document change
    }
    if (record.getS3() == null
        || record.getS3().getBucket() == null
        || record.getS3().getBucket().getName() == null
        || record.getS3().getObject() == null
        || record.getS3().getObject().getKey() == null) {
      throw new InvalidInputException(
          "S3 event record " + name + " lacks s3.bucket.name or s3.object.key" + (messageId == null ? "" : " in SQS message " + messageId));
    }
    S3EventRecord.S3Object object = record.getS3().getObject();
    return java.util.Optional.of(
        new DocumentEvent(
            kind,
            record.getS3().getBucket().getName(),
            decodeKey(object.getKey()),
            kind == DocumentEvent.Kind.CREATED ? object.getETag() : null,
            object.getVersionId(),
            object.getSequencer(),
            messageId));
  }
}
