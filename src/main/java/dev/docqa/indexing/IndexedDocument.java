package dev.docqa.indexing;

import java.time.Instant;

/**
 * What the index holds about a source document.
 *
 * @param contentHash hash of the extracted content last indexed
 * @param sourceVersion source version (e.g. ETag, modification time) it was indexed from
 * @param passages passages in the index
 * @param pages pages of the document, 0 for formats without pages (and for documents indexed before pages were kept)
 * @param origin where the content came from ({@code file:} URI of a local file, {@code upload:NAME}), {@code ""} when
 *     the id itself names the source (an object key)
 * @param indexedAt when this version was indexed, {@code null} when not recorded
 */
public record IndexedDocument(String documentId, String contentHash, String sourceVersion, int passages, int pages,
    String origin, Instant indexedAt) {

  public IndexedDocument {
    origin = origin == null ? "" : origin;
  }

  /** A document with no pages, origin or time recorded. */
  public IndexedDocument(String documentId, String contentHash, String sourceVersion, int passages) {
    this(documentId, contentHash, sourceVersion, passages, 0, "", null);
  }
}
