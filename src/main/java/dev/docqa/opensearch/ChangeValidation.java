package dev.docqa.opensearch;

import dev.docqa.document.Passage;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.Sequencers;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every change passes before anything of a batch is written: the rules of the embedded index's {@code
 * PassageSchema} and {@code PassageWrites} (package-private there), with the same messages. Stateless.
 */
final class ChangeValidation {

  /** Lucene's longest term, which {@code doc_id} (a keyword) is indexed as. */
  static final int MAX_DOCUMENT_ID_BYTES = 32766;

  private static final double NORM_TOLERANCE = 1e-3;

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
      for (int p = 0; p < change.passages().size(); p++) {
        requireUnitVector(change.vectors().get(p), dimension, change.passages().get(p));
      }
    }
  }

  static void requireDocumentId(String documentId) {
    if (documentId == null || documentId.isEmpty()) {
      throw new IllegalArgumentException("documentId must be non-empty; documentId=" + documentId);
    }
    if (documentId.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_ID_BYTES) {
      throw new IllegalArgumentException("documentId must be at most " + MAX_DOCUMENT_ID_BYTES
          + " UTF-8 bytes; documentId=" + documentId.substring(0, 100) + "...");
    }
  }

  static void requireSequencer(String sequencer) {
    if (sequencer != null && !Sequencers.isValid(sequencer)) {
      throw new IllegalArgumentException("a sequencer must be 1 to 64 hex digits; sequencer=" + sequencer);
    }
  }

  private static void requireUnitVector(float[] vector, int dimension, Passage p) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException("vector dimension must equal the index's; dimension=" + vector.length
          + ", index dimension=" + dimension + ", documentId=" + p.documentId() + ", ordinal=" + p.ordinal());
    }
    double norm = 0;
    for (float v : vector) {
      norm += (double) v * v;
    }
    if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
      throw new IllegalArgumentException("vectors must be L2-normalised; squared norm=" + norm
          + ", documentId=" + p.documentId() + ", ordinal=" + p.ordinal());
    }
  }
}
