package dev.docqa.service;

/**
 * What deleting one document did.
 *
 * @param newerSequencer for {@code STALE} the newer sequencer the index holds for the document, else {@code null}
 */
public record DeleteOutcome(String documentId, Status status, String newerSequencer) {

  public enum Status {
    /** Its passages were removed. */
    DELETED,
    /** It was not indexed (a delete with a sequencer still records it, so older events cannot bring it back). */
    ABSENT,
    /** The delete's event sequencer is not newer than the one the index holds for the document: nothing changed. */
    STALE
  }
}
