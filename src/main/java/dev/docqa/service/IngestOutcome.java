package dev.docqa.service;

/**
 * What ingesting one document did.
 *
 * @param passages passages now indexed for the document (0 when failed or a duplicate)
 * @param error one-line cause when {@code status} is {@code FAILED} or {@code ERROR}; for {@code DUPLICATE} the id the
 *     same file is indexed under; else {@code null}
 */
public record IngestOutcome(String documentId, Status status, int passages, String error) {

  public enum Status {
    /** New or changed content, now indexed. */
    INDEXED,
    /** Same content as already indexed: nothing written. */
    UNCHANGED,
    /** The same file (same origin) is already indexed under another id: nothing written. */
    DUPLICATE,
    /**
     * Rejected (corrupt, encrypted, unsupported, too big, too slow, or its id held by another file that still exists);
     * the index is as it was. Retrying cannot help.
     */
    FAILED,
    /**
     * Processing failed unexpectedly after extraction (splitting or embedding threw); the index is as it was for this
     * document, and the rest of the batch went on. Retrying may help: the ingest function reports the document's
     * messages for retry, so SQS's redrive policy parks a document that keeps failing.
     */
    ERROR
  }
}
