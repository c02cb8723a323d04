package dev.docqa.service;

import java.nio.file.Path;

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

  /** Removes every passage of the document; {@code false} when it was not indexed. */
  boolean delete(String documentId);

  /** Retrieves passages for the question and reads them; see {@link AskRequest}. */
  AskResult ask(AskRequest request);

  @Override
  void close();
}
