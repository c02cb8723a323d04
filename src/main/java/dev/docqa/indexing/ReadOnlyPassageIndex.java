package dev.docqa.indexing;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * Searches an index directory written elsewhere (e.g. by the ingest side, then synced here); never writes to it.
 *
 * <p>Thread-safe. Serves the commit it opened, or the newest one as of the last {@link #refresh()}: call that after
 * new commit files have been placed in the directory. Searchers in use keep their files open, so a sync that deletes
 * old files must not run on file systems that forbid deleting open files. {@link #close()} releases everything.
 */
public final class ReadOnlyPassageIndex implements SearchableIndex {

  private final Path path;
  private final Directory directory;
  private final SearcherManager searchers;

  private ReadOnlyPassageIndex(Path path, Directory directory, SearcherManager searchers) {
    this.path = path;
    this.directory = directory;
    this.searchers = searchers;
  }

  /**
   * Opens the newest commit in {@code dir}.
   *
   * @throws DocqaException when there is no committed index there
   */
  public static ReadOnlyPassageIndex open(Path dir) {
    Directory directory = null;
    boolean success = false;
    try {
      directory = FSDirectory.open(dir);
      SearcherManager searchers = new SearcherManager(directory, null);
      ReadOnlyPassageIndex index = new ReadOnlyPassageIndex(dir, directory, searchers);
      success = true;
      return index;
    } catch (IndexNotFoundException e) {
      throw new DocqaException("no committed index; dir=" + dir, e);
    } catch (IOException e) {
      throw new DocqaException("cannot open index; dir=" + dir + ": " + e.getMessage(), e);
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(directory);
      }
    }
  }

  /**
   * Switches new searches to the newest commit in the directory, if there is a newer one; searches in flight finish on
   * the old one.
   *
   * @return whether a newer commit is now served
   */
  public boolean refresh() {
    try {
      if (isCurrent()) {
        return false;
      }
      searchers.maybeRefreshBlocking();
      return true;
    } catch (IOException e) {
      throw new DocqaException("cannot refresh index; dir=" + path + ": " + e.getMessage(), e);
    }
  }

  private boolean isCurrent() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return ((DirectoryReader) searcher.getIndexReader()).isCurrent();
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public Map<String, String> commitUserData() {
    return search(searcher -> ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData());
  }

  @Override
  public <T> T search(SearchAction<T> action) {
    return Searchers.search(searchers, action, path);
  }

  @Override
  public void close() {
    try {
      IOUtils.close(searchers, directory);
    } catch (IOException e) {
      throw new DocqaException("cannot close index; dir=" + path + ": " + e.getMessage(), e);
    }
  }
}
