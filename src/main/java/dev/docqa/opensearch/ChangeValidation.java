package dev.docqa.opensearch;

import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.Sequencers;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every change passes before anything of a batch is written, with the embedded index's messages: one change
 * per id, valid sequencers, and {@link DocumentPassages#requireIndexable}. Stateless.
 */
final class ChangeValidation {


  private ChangeValidation() {}

  /**
   * @throws IllegalArgumentException when the lists differ in length, two changes share a document id, a sequencer is
   *     not one S3 could have written, a document id is too long, or a vector has the wrong dimension or is not unit
   *     length
   */
  static void requireValid(List<DocumentPassages> changes, List<String> sequencers, int dimension) {
    if (changes.size() != sequencers.size()) {
      throw new IllegalArgumentException("need one sequencer (or null) per change; changes=" + changes.size()
          + ", sequencers=" + sequencers.size());
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < changes.size(); i++) {
      DocumentPassages change = changes.get(i);
      if (!ids.add(change.documentId())) {
        throw new IllegalArgumentException("document id appears twice in one batch: " + change.documentId());
      }
      requireDocumentId(change.documentId());
      requireSequencer(sequencers.get(i));
      change.requireIndexable(dimension);
    }
  }

  static void requireDocumentId(String documentId) {
    if (documentId == null || documentId.isEmpty()) {
      throw new IllegalArgumentException("documentId must be non-empty; documentId=" + documentId);
    }
    if (documentId.getBytes(StandardCharsets.UTF_8).length > DocumentPassages.MAX_ID_BYTES) {
      throw new IllegalArgumentException("documentId must be at most " + DocumentPassages.MAX_ID_BYTES
          + " UTF-8 bytes; documentId=" + documentId.substring(0, 100) + "...");
    }
  }

  static void requireSequencer(String sequencer) {
    if (sequencer != null && !Sequencers.isValid(sequencer)) {
      throw new IllegalArgumentException("a sequencer must be 1 to 64 hex digits; sequencer=" + sequencer);
    }
  }
}
