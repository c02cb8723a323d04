package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.events.DocumentEvent;
import dev.docqa.indexing.Sequencers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
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
   * @throws InvalidInputException when the record is malformed (SQS body not an S3 notification, an S3 record without
   *     {@code eventName}, missing bucket or key, a key that is not URL-encoded UTF-8)
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
    if (notification == null || (!notification.hasRecords() && !"s3:TestEvent".equals(notification.getEvent()))) {
      // An SNS envelope, an EventBridge event, ...: dropping it silently would lose the change it stands for.
      throw new InvalidInputException("SQS message " + record.getMessageId()
          + " holds JSON that is neither an S3 event notification (Records) nor an s3:TestEvent");
    }
    if (!notification.hasRecords()) {
      JsonLog.info("ingest.ignored", "messageId", record.getMessageId(), "reason",
          "s3:TestEvent (sent when a notification is configured): no document change");
      return List.of();
    }
    List<DocumentEvent> events = new ArrayList<>();
    for (S3EventRecord s3Record : notification.getRecords()) {
      fromS3Record(s3Record, record.getMessageId()).ifPresent(events::add);
    }
    return List.copyOf(events);
  }

  /**
   * Decodes an S3 notification key: URL-encoded UTF-8, with {@code +} for a space. Strict, unlike
   * {@link java.net.URLDecoder}, which turns bytes that are not UTF-8 into U+FFFD and so names another object.
   */
  public static String decodeKey(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length() || !HexFormat.isHexDigit(encoded.charAt(i + 1))
            || !HexFormat.isHexDigit(encoded.charAt(i + 2))) {
          throw new InvalidInputException("S3 event key is not valid URL encoding: '%' at index " + i
              + " is not followed by two hex digits; key=" + encoded);
        }
        bytes.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < encoded.length() ? i + 2 : i + 1;
        bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("S3 event key is not URL-encoded UTF-8; key=" + encoded, e);
    }
  }

  private static java.util.Optional<DocumentEvent> fromS3Record(S3EventRecord record, String messageId) {
    String name = record.getEventName();
    if (name == null) {
      throw new InvalidInputException(
          "S3 event record lacks eventName" + (messageId == null ? "" : " in SQS message " + messageId));
    }
    // S3 writes "ObjectCreated:Put"; some AWS samples and configurations write the event type as "s3:ObjectCreated:Put".
    String type = name.startsWith("s3:") ? name.substring("s3:".length()) : name;
    DocumentEvent.Kind kind;
    if (type.startsWith("ObjectCreated:")) {
      kind = DocumentEvent.Kind.CREATED;
    } else if (type.startsWith("ObjectRemoved:") || type.startsWith("LifecycleExpiration:")) {
      // An expired object (or one hidden by an expiry's delete marker) is gone like a deleted one.
      kind = DocumentEvent.Kind.REMOVED;
    } else {
      // Replication, restore, tagging, ACL, transition events: the document's content did not change.
      JsonLog.info("ingest.ignored", "messageId", messageId, "eventName", name,
          "key", record.getS3() == null || record.getS3().getObject() == null ? null
              : record.getS3().getObject().getKey(),
          "reason", "event type " + name + " is not a document change");
      return java.util.Optional.empty();
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
    if (object.getSequencer() != null && !Sequencers.isValid(object.getSequencer())) {
      // One that is not hex cannot be ordered; taken as it is, it would sort above every real one and hide them.
      throw new InvalidInputException("S3 event record " + name + " for key " + object.getKey()
          + " has a sequencer that is not 1 to 64 hex digits" + (messageId == null ? "" : " in SQS message " + messageId)
          + "; sequencer=" + object.getSequencer());
    }
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
