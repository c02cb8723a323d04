package dev.docqa.service;

/**
 * What ingesting one document did.
 *
 * @param passages passages now indexed for the document (0 when failed)
 * @param error one-line cause when {@code status} is {@code FAILED}, else {@code null}
 */
public record IngestOutcome(String documentId, Status status, int passages, String error) {

  public enum Status {
    /** New or changed content, now indexed. */
    INDEXED,
    /** Same content as already indexed: nothing written. */
    UNCHANGED,
    /** Rejected (corrupt, encrypted, unsupported, too big, too slow); the index is as it was. */
    FAILED
  }
}
