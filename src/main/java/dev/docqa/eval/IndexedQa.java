package dev.docqa.eval;

import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.IngestOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * The system under evaluation in open mode: docqa over one index, with its retrieval visible so recall@k can be
 * measured. Implemented over the core by the adapter that opens it; evaluation knows nothing of Lucene, DJL or storage.
 *
 * <p>Implementations are used from one thread; {@link #close()} releases models and the index.
 */
public interface IndexedQa extends AutoCloseable {

  /** As {@link dev.docqa.service.DocQa#ingest}: indexes one document and says what happened. */
  IngestOutcome ingest(String documentId, Path content, String sourceVersion);

  /** The {@code k} best passages for the question, best first, as the reader would receive them. */
  List<Passage> retrieve(String question, int k, RetrieverMode mode);

  /** As {@link dev.docqa.service.DocQa#ask}: retrieval and reading. */
  AskResult ask(AskRequest request);

  @Override
  void close();
}
