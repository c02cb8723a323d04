package dev.docqa.events;

import java.util.List;

/**
 * What one document's events of a batch came to.
 *
 * @param events the document's events in the batch, as delivered
 * @param newest the one that counted: the newest by sequencer
 * @param detail for {@code STALE} the newer sequencer the index holds, for {@code REJECTED} the reason, else
 *     {@code null}
 * @param failure the cause when {@code status} is {@code FAILED}, else {@code null}
 * @param millis time spent on the document (the batch's commit included)
 */
public record DocumentResult(String documentId, List<DocumentEvent> events, DocumentEvent newest, Status status,
    String detail, RuntimeException failure, double millis) {

  public DocumentResult {
    events = List.copyOf(events);
    if ((status == Status.FAILED) != (failure != null)) {
      throw new IllegalArgumentException("a failure goes with status FAILED and only with it; status=" + status);
    }
  }

  public enum Status {
    /** The object's content is now indexed. */
    INDEXED,
    /** The object's content was indexed already (its sequencer is recorded all the same). */
    UNCHANGED,
    /** The object is gone, and so are the document's passages. */
    DELETED,
    /** The object is gone and the document was not indexed; the delete is recorded all the same. */
    ABSENT,
    /** The index already holds a change with an equal or newer sequencer: a duplicate or late event, nothing done. */
    STALE,
    /** The document cannot be indexed (corrupt, too big, a key the store refuses): retrying cannot help. */
    REJECTED,
    /** Settling failed (store, embedding, commit): the index is as it was for this document; retrying may help. */
    FAILED
  }
}
