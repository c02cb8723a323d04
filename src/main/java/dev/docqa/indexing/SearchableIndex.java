package dev.docqa.indexing;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.search.IndexSearcher;

/**
 * A passage index that can be searched: the read-write {@link PassageIndex} or a {@link ReadOnlyPassageIndex}.
 * Implementations are thread-safe; each search runs on one point-in-time searcher.
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

  /** User data of the commit the current searcher sees (e.g. what a publisher stamped on it). */
  Map<String, String> commitUserData();

  /** Passages in the current view. */
  default int passageCount() {
    return search(searcher -> searcher.getIndexReader().numDocs());
  }

  @Override
  void close();
}
