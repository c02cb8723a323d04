package dev.docqa.service;

import dev.docqa.DocqaException;
import dev.docqa.indexing.SearchableIndex;
import dev.docqa.replication.IndexReplica;
import dev.docqa.replication.IndexSnapshot;
import java.io.IOException;

/**
 * The replica's newest published commit as a {@link SearchableIndex}: each search leases one snapshot, so a search
 * never sees a commit change under it. Fails with {@link dev.docqa.replication.EmptyIndexException} while nothing is
 * indexed, which the adapters turn into "not found".
 */
final class SnapshotIndex implements SearchableIndex {

  private final IndexReplica replica;

  SnapshotIndex(IndexReplica replica) {
    this.replica = replica;
  }

  @Override
  public <T> T search(SearchAction<T> action) {
    try (IndexSnapshot snapshot = replica.acquire()) {
      return action.apply(snapshot.requireNonEmpty().searcher());
    } catch (IOException e) {
      throw new DocqaException("cannot search the index: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // The replica belongs to the service.
  }
}
