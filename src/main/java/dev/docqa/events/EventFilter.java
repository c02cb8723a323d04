package dev.docqa.events;

import java.util.Optional;

/**
 * Which events concern docqa: those of one bucket whose key lies under the documents' prefix. The document id is the
 * key below that prefix.
 *
 * @param bucket the bucket documents are uploaded to
 * @param keyPrefix the documents' key prefix in that bucket (the store's prefix plus the document prefix), e.g.
 *     {@code docqa/documents/}
 */
public record EventFilter(String bucket, String keyPrefix) {

  public EventFilter {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket must be set");
    }
    if (keyPrefix == null) {
      throw new IllegalArgumentException("keyPrefix must be set (may be empty)");
    }
  }

  /** The document id the event is about, or empty when the event is for another bucket or prefix (or a folder). */
  public Optional<String> documentId(DocumentEvent event) {
    if (!bucket.equals(event.bucket()) || !event.key().startsWith(keyPrefix)) {
      return Optional.empty();
    }
    String id = event.key().substring(keyPrefix.length());
    return id.isEmpty() || id.endsWith("/") ? Optional.empty() : Optional.of(id);
  }
}
