package dev.docqa.service;

/**
 * What ingesting one document did.
 *
 * @param passages passages now indexed for the document (0 when failed or a duplicate)
 * @param error one-line cause when {@code status} is {@code FAILED} or {@code ERROR}; for {@code DUPLICATE} the id the
 *     same file is indexed under; for {@code STALE} the newer sequencer the index holds; else {@code null}
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
     * The change's event sequencer is not newer than the one the index holds for the document (a duplicate or late
     * event, or one that lost to a newer event at another writer): nothing written.
     */
    STALE,
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
