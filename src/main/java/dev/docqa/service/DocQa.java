package dev.docqa.service;

import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.indexing.IndexedDocument;
import java.nio.file.Path;
import java.util.List;

/**
 * docqa as a library: documents in, answers out. Opened once per process (models, index and searcher load at open) and
 * safe for concurrent use; {@link #close()} releases models and the index.
 */
public interface DocQa extends AutoCloseable {

  /**
   * Extracts, splits, embeds and indexes one document, replacing any earlier version atomically. Identical content is a
   * no-op. A bad document yields a {@link IngestOutcome.Status#FAILED} outcome, never a half-changed index.
   */
  IngestOutcome ingest(String documentId, Path content, String sourceVersion);

  /**
   * {@link #ingest} for several documents, each with its own outcome, in order. Implementations may publish all the
   * changes as one commit (the service does: one index update instead of one per document); this default ingests them
   * one by one. A document whose {@link DocumentSource#sequencer()} is not newer than the one the index holds for it
   * is {@link IngestOutcome.Status#STALE} in implementations that keep event order; this default keeps none and
   * refuses sequencers.
   *
   * @throws dev.docqa.InvalidInputException when two documents share an id
   * @throws dev.docqa.DocqaException when publishing fails: none of the batch's changes is then published, and the
   *     whole batch can be retried (unchanged documents are no-ops)
   */
  default List<IngestOutcome> ingestAll(List<DocumentSource> documents) {
    return ingestAll(documents, IngestListener.NONE);
  }

  /**
   * {@link #ingestAll(List)} telling {@code listener} how it goes. This default ingests the documents one by one (their
   * origins ignored) and reports each when done.
   */
  default List<IngestOutcome> ingestAll(List<DocumentSource> documents, IngestListener listener) {
    DocumentSource.requireDistinctIds(documents);
    if (documents.stream().anyMatch(d -> d.sequencer() != null)) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no event order");
    }
    return documents.stream().map(d -> {
      IngestOutcome outcome = ingest(d.documentId(), d.content(), d.sourceVersion());
      listener.prepared(outcome);
      return outcome;
    }).toList();
  }

  /** Removes every passage of the document; {@code false} when it was not indexed. */
  boolean delete(String documentId);

  /**
   * Removes the document as the change of an S3 event with {@code sequencer}: only when that is newer than the
   * sequencer the index holds for it, and then recorded as a tombstone, so an older event applied later changes
   * nothing. A {@code null} sequencer deletes unconditionally. This default keeps no order, so it accepts only
   * {@code null}.
   *
   * @throws dev.docqa.InvalidInputException when {@code sequencer} is not 1 to 64 hex digits
   */
  default DeleteOutcome delete(String documentId, String sequencer) {
    if (sequencer != null) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no event order");
    }
    return new DeleteOutcome(documentId,
        delete(documentId) ? DeleteOutcome.Status.DELETED : DeleteOutcome.Status.ABSENT, null);
  }

  /**
   * Removes the documents in one index update and returns the ids that were indexed (the others are ignored), in the
   * order given. This default deletes them one by one.
   */
  default List<String> deleteAll(List<String> documentIds) {
    return documentIds.stream().distinct().filter(this::delete).toList();
  }

  /** Every indexed document, by id. An empty index has none. */
  default List<IndexedDocument> documents() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not list documents");
  }

  /**
   * The indexed documents that came from files below {@code folder} (their {@link DocumentSource#origin()}) whose files
   * no longer exist: what {@code ingest DIR --prune} deletes. This default knows no origins, so none is missing.
   */
  default List<IndexedDocument> missingSources(Path folder) {
    return List.of();
  }

  /** Retrieves passages for the question and reads them; see {@link AskRequest}. */
  AskResult ask(AskRequest request);

  /**
   * The passages {@link #ask} would read for the question, best first ({@code null}: configured top-k and mode).
   *
   * @throws dev.docqa.InvalidInputException for a blank question or a top-k out of range
   */
  List<Passage> retrieve(String question, Integer topK, RetrieverMode mode);

  /**
   * Reads the given passages without retrieval (a context given with the question, or gold paragraphs), any length:
   * stride windows cover it all. Returns the best answer and up to {@code alternatives} more.
   */
  AskResult read(String question, List<Passage> passages, int alternatives);

  /**
   * {@link #read(String, List, int)} with answers of at most {@code maxAnswerLength} reader tokens ({@code null}: the
   * configured length). This default reads with the configured length only.
   */
  default AskResult read(String question, List<Passage> passages, int alternatives, Integer maxAnswerLength) {
    if (maxAnswerLength != null) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " reads with its configured answer length");
    }
    return read(question, passages, alternatives);
  }

  @Override
  void close();
}
