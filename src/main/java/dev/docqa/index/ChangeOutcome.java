package dev.docqa.index;

import java.util.Objects;

/**
 * What one document change did to an index.
 *
 * @param passages passages now indexed for the document ({@code 0} unless {@code INDEXED})
 * @param newerSequencer for {@code STALE}, the newer sequencer the index holds; else {@code null}
 */
public record ChangeOutcome(String documentId, Status status, int passages, String newerSequencer) {

  public enum Status {
    /** The document's passages were replaced. */
    INDEXED,
    /** The index already held this content hash and origin: nothing written. */
    UNCHANGED,
    /** Its passages were removed. */
    DELETED,
    /** A delete of a document that was not indexed. */
    ABSENT,
    /** Not newer than the change the index holds for the document: nothing written. */
    STALE
  }

  public ChangeOutcome {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(status, "status");
  }

  public static ChangeOutcome stale(String documentId, String newerSequencer) {
    return new ChangeOutcome(documentId, Status.STALE, 0, newerSequencer);
  }
}
