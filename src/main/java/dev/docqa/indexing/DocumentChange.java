package dev.docqa.indexing;

/**
 * What one write did to one document.
 *
 * @param passages passages of the document in the index after the write
 */
public record DocumentChange(String documentId, Status status, int passages) {

  public enum Status {
    /** The document's passages were replaced (or added) in a commit. */
    INDEXED,
    /** The stored content hash was the same: nothing was written. */
    UNCHANGED
  }
}
