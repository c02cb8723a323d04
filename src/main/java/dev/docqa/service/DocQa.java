package dev.docqa.service;

import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
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
   * one by one.
   *
   * @throws dev.docqa.InvalidInputException when two documents share an id
   * @throws dev.docqa.DocqaException when publishing fails: none of the batch's changes is then published, and the
   *     whole batch can be retried (unchanged documents are no-ops)
   */
  default List<IngestOutcome> ingestAll(List<DocumentSource> documents) {
    DocumentSource.requireDistinctIds(documents);
    return documents.stream().map(d -> ingest(d.documentId(), d.content(), d.sourceVersion())).toList();
  }

  /** Removes every passage of the document; {@code false} when it was not indexed. */
  boolean delete(String documentId);

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

  @Override
  void close();
}
