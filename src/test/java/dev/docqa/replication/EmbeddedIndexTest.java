package dev.docqa.replication;

import dev.docqa.config.StorageSettings;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexBackendContract;
import dev.docqa.storage.LocalObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded backend under the index contract: each instance is a publisher and a replica with its own working
 * folder, as a separate process would have, over one local store.
 */
class EmbeddedIndexTest extends IndexBackendContract {

  @TempDir
  Path dir;

  private final Map<IndexBackend, Path> stores = new IdentityHashMap<>();
  private int instances;

  @Override
  protected IndexBackend open(int dimension) {
    return openOn(dir.resolve("store-" + instances), dimension);
  }

  @Override
  protected IndexBackend openAnother(IndexBackend backend) {
    return openOn(stores.get(backend), ((EmbeddedIndex) backend).dimension());
  }

  private IndexBackend openOn(Path store, int dimension) {
    try {
      Files.createDirectories(store);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // No staleness: a view sees the newest published commit, as the contract's "another instance" requires.
    StorageSettings storage = new StorageSettings(store.toString(), dir.resolve("cache-" + instances++), Duration.ZERO);
    EmbeddedIndex index = EmbeddedIndex.openParts(new LocalObjectStore(store), storage).withDimension(dimension);
    stores.put(index, store);
    return index;
  }
}
