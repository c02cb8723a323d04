package dev.docqa.replication;

import java.io.IOException;
import org.apache.lucene.index.IndexWriter;

/**
 * A change to apply to the newest published index, e.g. "replace the passages of document d".
 *
 * <p>It may run more than once: when another writer publishes first, the publisher throws the local result away, takes
 * the newer commit and applies the change again. So it must derive everything from its arguments and the index it is
 * given (delete-then-add by id rather than "add", work computed before {@code update} rather than counters).
 *
 * @param <T> what the change reports back, e.g. the number of passages written
 */
@FunctionalInterface
public interface IndexChange<T> {

  /** Applies the change through {@code writer}; the publisher commits. Changing nothing publishes nothing. */
  T apply(IndexWriter writer) throws IOException;
}
