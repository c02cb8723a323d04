package dev.docqa.service;

import dev.docqa.DocqaException;
import dev.docqa.indexing.SearchableIndex;
import dev.docqa.replication.IndexSnapshot;
import java.io.IOException;

/**
 * One leased published commit as a {@link SearchableIndex}, so every search of a request reads the same commit and the
 * answer can name it. Fails with {@link dev.docqa.index.EmptyIndexException} while nothing is indexed, which the
 * adapters turn into "not found".
 *
 * <p>Thread-safe; valid while the caller holds the lease, which it closes itself.
 */
final class SnapshotIndex implements SearchableIndex {

  private final IndexSnapshot snapshot;

  SnapshotIndex(IndexSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public <T> T search(SearchAction<T> action) {
    try {
      return action.apply(snapshot.requireNonEmpty().searcher());
    } catch (IOException e) {
      throw new DocqaException("cannot search the index: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // The lease belongs to the caller.
  }
}
