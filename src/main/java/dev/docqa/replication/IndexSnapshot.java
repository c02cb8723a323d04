package dev.docqa.replication;

import dev.docqa.index.EmptyIndexException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;

/**
 * A lease on one published commit, opened read-only: valid until {@link #close()}, even when a newer commit replaces
 * it meanwhile. Generation 0 is the empty index (nothing published yet).
 *
 * <p>Not thread-safe to close twice concurrently; share the reader freely while the lease is held.
 */
public final class IndexSnapshot implements AutoCloseable {

  private final long generation;
  private final IndexReader reader;
  private final AtomicBoolean closed = new AtomicBoolean();

  IndexSnapshot(long generation, IndexReader reader) {
    this.generation = generation;
    this.reader = reader;
  }

  /** The manifest generation, 0 when nothing has been published. */
  public long generation() {
    return generation;
  }

  public IndexReader reader() {
    return reader;
  }

  /** A searcher over {@link #reader()}; cheap, create one per query. */
  public IndexSearcher searcher() {
    return new IndexSearcher(reader);
  }

  /** Whether the index holds no live documents (also when nothing was published yet). */
  public boolean isEmpty() {
    return reader.numDocs() == 0;
  }

  /**
   * Returns this snapshot when it holds documents.
   *
   * @throws EmptyIndexException when it holds none (also before anything was published)
   */
  public IndexSnapshot requireNonEmpty() {
    if (isEmpty()) {
      throw new EmptyIndexException("the index is empty (generation " + generation + "): ingest documents first");
    }
    return this;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        reader.decRef();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release index generation " + generation, e);
      }
    }
  }
}
