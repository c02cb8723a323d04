package dev.docqa.indexing;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;

/** Acquire, run, release: the one way searchers are used, so none leaks. */
final class Searchers {

  private Searchers() {}

  static <T> T search(SearcherManager searchers, PassageIndex.SearchAction<T> action, Path dir) {
    IndexSearcher searcher;
    try {
      searcher = searchers.acquire();
    } catch (IOException e) {
      throw new DocqaException("cannot acquire a searcher; dir=" + dir, e);
    }
    try {
      return action.apply(searcher);
    } catch (IOException e) {
      throw new DocqaException("search failed; dir=" + dir + ": " + e.getMessage(), e);
    } finally {
      try {
        searchers.release(searcher);
      } catch (IOException e) {
        throw new DocqaException("cannot release a searcher; dir=" + dir, e);
      }
    }
  }
}
