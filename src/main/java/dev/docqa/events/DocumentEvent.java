package dev.docqa.events;

import dev.docqa.InvalidInputException;
import dev.docqa.indexing.Sequencers;
import java.util.Objects;

/**
 * One S3 object change, decoded: what happened to which key, and the {@code sequencer} that orders changes of one key.
 *
 * @param key the object key, URL-decoded ({@code +} is a space)
 * @param etag the object's ETag for creations, {@code null} for removals
 * @param versionId the object version when the bucket is versioned, else {@code null}
 * @param sequencer S3's per-key ordering token (hex), {@code null} if the sender gave none
 * @param messageId the delivery that carried it (an SQS message id), so a failure can name what to retry; {@code null}
 *     when the event came alone (a direct S3 invocation)
 */
public record DocumentEvent(
    Kind kind, String bucket, String key, String etag, String versionId, String sequencer, String messageId) {

  public enum Kind {
    /** {@code ObjectCreated:*}: the document is new or replaced. */
    CREATED,
    /** {@code ObjectRemoved:*}: the document is gone (or a delete marker hides it). */
    REMOVED
  }

  public DocumentEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    if (sequencer != null && !Sequencers.isValid(sequencer)) {
      throw new InvalidInputException("a sequencer must be 1 to 64 hex digits; key=" + key + ", sequencer=" + sequencer);
    }
  }
}
