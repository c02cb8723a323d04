package dev.docqa.indexing;

import java.io.IOException;
import org.apache.lucene.search.IndexSearcher;

/**
 * A passage index that can be searched: the local read-write {@link PassageIndex}, or the service's view of the newest
 * published commit. Implementations are thread-safe; each search runs on one point-in-time searcher.
 */
public interface SearchableIndex extends AutoCloseable {

  /** A search over one point-in-time view of the index; must not keep the searcher after returning. */
  @FunctionalInterface
  interface SearchAction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  /**
   * Runs {@code action} on the current searcher, acquired and released around it.
   *
   * @throws dev.docqa.DocqaException wrapping an {@link IOException} from the index
   */
  <T> T search(SearchAction<T> action);

  /** Passages in the current view. */
  default int passageCount() {
    return search(searcher -> searcher.getIndexReader().numDocs());
  }

  @Override
  void close();
}
