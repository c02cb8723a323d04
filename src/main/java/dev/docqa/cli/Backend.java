package dev.docqa.cli;

import dev.docqa.config.DocqaSettings;
import dev.docqa.eval.ContextReader;
import dev.docqa.eval.IndexedQa;
import dev.docqa.service.DocQa;

/**
 * How the command line reaches the core: each method opens one owned resource from settings, which the command closes.
 * {@link CoreBackend} is the real one; tests pass their own.
 */
public interface Backend {

  /** docqa over the index in {@code settings.storage()}: for {@code ingest} and {@code ask}. */
  DocQa open(DocqaSettings settings);

  /** docqa over the (empty, temporary) index in {@code settings.storage()}, retrieval visible: for {@code eval}. */
  IndexedQa openIndexed(DocqaSettings settings);

  /** The reader alone, no index: for {@code ask --context} and {@code eval --gold}. */
  ContextReader openReader(DocqaSettings settings);
}
