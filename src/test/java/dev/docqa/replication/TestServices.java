package dev.docqa.replication;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;

/** The real service on the committed tiny models (reader and embedder), for tests with many writers and processes. */
final class TestServices {

  /** The tiny TorchScript embedder (32 dimensions): loads in a fraction of MiniLM's time. */
  static final Path TINY_EMBEDDER = Path.of("src/test/resources/models/tiny-embedder").toAbsolutePath();

  private TestServices() {}

  /** Settings over {@code store}'s {@code index/} with the given local cache and staleness bound. */
  static DocqaSettings settings(Path cacheDir, Duration maxStaleness) {
    DocqaSettings defaults = DocqaSettings.defaults();
    StorageSettings storage = new StorageSettings(cacheDir.resolve("unused").toString(), cacheDir, maxStaleness,
        StorageSettings.DEFAULT_DOCUMENT_PREFIX, StorageSettings.DEFAULT_INDEX_PREFIX,
        StorageSettings.DEFAULT_GC_GRACE, null, StorageSettings.DEFAULT_S3_REGION, false);
    return defaults.withStorage(storage)
        .withEmbedder(new EmbedderSettings(TINY_EMBEDDER.toString(), defaults.embedder().batchSize()));
  }

  /** A service over {@code store} (index under {@code index/}); close it after use. */
  static DocQaService open(ObjectStore store, Path cacheDir, Duration maxStaleness) {
    return DocQaService.open(
        settings(cacheDir, maxStaleness), store, ModelResolver.withoutS3(cacheDir.resolve("models")));
  }
}
