package dev.docqa.service;

/**
 * Hears how an ingest goes while it runs: passages embedded within a document, and each document as soon as its work
 * is done (before the batch's single index commit). Called on the ingesting thread; implementations must be quick.
 */
public interface IngestListener {

  /** Hears nothing. */
  IngestListener NONE = new IngestListener() {};

  /** {@code done} of the document's {@code total} passages are embedded; called after every chunk. */
  default void embedded(String documentId, int done, int total) {}

  /**
   * The document's work is done: {@code INDEXED} (its passages wait for the batch's commit, which may still fail or
   * find the same content already there), {@code UNCHANGED}, {@code DUPLICATE} or {@code FAILED}. The outcome that
   * {@link DocQa#ingestAll(java.util.List, IngestListener)} returns is final.
   */
  default void prepared(IngestOutcome outcome) {}
}
