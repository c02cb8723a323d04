package dev.docqa.indexing;

import java.nio.charset.StandardCharsets;
import dev.docqa.document.Passage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the index stores for one source document: its passages in order, one unit vector per passage, the hash
 * of its extracted content (equal hash: re-ingesting is a no-op), the source version it came from (e.g. an ETag), its
 * page count, its origin (see {@link IndexedDocument#origin()}) and when it was indexed. Immutable; the vectors are
 * copied in and never handed out.
 */
public record DocumentPassages(String documentId, String contentHash, String sourceVersion, List<Passage> passages,
    List<float[]> vectors, int pages, String origin, Instant indexedAt) {

  /** Longest document id, in UTF-8 bytes: Lucene's longest term. */
  public static final int MAX_ID_BYTES = 32766;

  private static final double NORM_TOLERANCE = 1e-3;

  /** A document without origin, its pages counted from its passages, indexed now. */
  public DocumentPassages(
      String documentId, String contentHash, String sourceVersion, List<Passage> passages, List<float[]> vectors) {
    this(documentId, contentHash, sourceVersion, passages, vectors,
        passages.stream().map(Passage::page).filter(Objects::nonNull).mapToInt(Integer::intValue).max().orElse(0),
        "", Instant.now());
  }

  public DocumentPassages {
    requireText("documentId", documentId);
    requireText("contentHash", contentHash);
    Objects.requireNonNull(sourceVersion, "sourceVersion");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(indexedAt, "indexedAt");
    if (pages < 0) {
      throw new IllegalArgumentException("pages must be >= 0; pages=" + pages + ", documentId=" + documentId);
    }
    passages = List.copyOf(passages);
    vectors = vectors.stream().map(float[]::clone).toList();
    if (passages.size() != vectors.size()) {
      throw new IllegalArgumentException("need one vector per passage; passages=" + passages.size()
          + ", vectors=" + vectors.size() + ", documentId=" + documentId);
    }
    for (int i = 0; i < passages.size(); i++) {
      Passage p = passages.get(i);
      if (!p.documentId().equals(documentId)) {
        throw new IllegalArgumentException("passage belongs to another document; documentId=" + documentId
            + ", passage.documentId=" + p.documentId());
      }
      if (p.ordinal() != i) {
        throw new IllegalArgumentException("passage ordinals must be 0..n-1 in order; index=" + i
            + ", ordinal=" + p.ordinal() + ", documentId=" + documentId);
      }
    }
  }

  /**
   * Checks what every index backend requires: an id that fits one Lucene term (ids are indexed whole), and one unit
   * vector of {@code dimension} components per passage (dot product then equals cosine).
   *
   * @throws IllegalArgumentException naming the document and passage that break a rule
   */
  public void requireIndexable(int dimension) {
    if (documentId.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("documentId must be at most " + MAX_ID_BYTES
          + " UTF-8 bytes; documentId=" + documentId.substring(0, 100) + "...");
    }
    for (int i = 0; i < passages.size(); i++) {
      float[] vector = vectors.get(i);
      if (vector.length != dimension) {
        throw new IllegalArgumentException("vector dimension must equal the index's; dimension=" + vector.length
            + ", index dimension=" + dimension + ", documentId=" + documentId + ", ordinal=" + i);
      }
      double norm = 0;
      for (float v : vector) {
        norm += (double) v * v;
      }
      if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
        throw new IllegalArgumentException("vectors must be L2-normalised; squared norm=" + norm
            + ", documentId=" + documentId + ", ordinal=" + i);
      }
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must be non-empty; " + name + "=" + value);
    }
  }
}
