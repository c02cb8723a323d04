package dev.docqa.replication;

import dev.docqa.index.EmptyIndexException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.StorageSettings;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriterConfig;
import org.junit.jupiter.api.Test;

class LocalIndexReplicationTest extends IndexReplicationContractTest {

  @Override
  protected ObjectStore newStore() {
    return new LocalObjectStore(tmp.resolve("store"));
  }

  @Test
  void theSettingsFactoriesShareTheConfiguredLayout() throws Exception {
    StorageSettings settings =
        new StorageSettings(tmp.resolve("store").toString(), tmp.resolve("cache"), Duration.ZERO);
    try (IndexPublisher publisher =
            IndexPublisher.open(store, settings, () -> new IndexWriterConfig(new StandardAnalyzer()));
        IndexReplica replica = IndexReplica.open(store, settings)) {
      try (IndexSnapshot empty = replica.acquire()) {
        assertThrows(EmptyIndexException.class, empty::requireNonEmpty);
      }
      publisher.update(add("x"));
      assertEquals(Set.of("x"), idsOf(replica));
      assertEquals(1, store.list(settings.indexPrefix() + "manifests/").size());
      assertTrue(Files.isDirectory(settings.cacheDir().resolve("index-replica")));
    }
  }
}
