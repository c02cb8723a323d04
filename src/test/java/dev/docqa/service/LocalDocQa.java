package dev.docqa.service;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.models.ModelResolver;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real service over a local object store in a test's folder, default settings (the default trained reader, the
 * MiniLM embedder). Close once, after the last call.
 *
 * @param store the store documents and the published index live in
 * @param service the service, opened on {@code store}
 * @param storage the storage settings it was opened with (document and index prefixes)
 */
public record LocalDocQa(LocalObjectStore store, DocQaService service, StorageSettings storage)
    implements AutoCloseable {

  public static LocalDocQa open(Path work) {
    LocalObjectStore store = new LocalObjectStore(work.resolve("store"));
    DocqaSettings defaults = DocqaSettings.defaults();
    StorageSettings base = defaults.storage();
    StorageSettings storage = new StorageSettings(work.resolve("store").toString(), work.resolve("cache"),
        Duration.ZERO, base.documentPrefix(), base.indexPrefix(), base.gcGrace(), null, base.s3Region(), false);
    DocQaService service = DocQaService.open(defaults.withStorage(storage), store,
        ModelResolver.withoutS3(work.resolve("cache").resolve("models")));
    return new LocalDocQa(store, service, storage);
  }

  /** Every object of the published index with its ETag: equal before and after means nothing was published. */
  public Map<String, String> indexObjects() {
    Map<String, String> objects = new TreeMap<>();
    for (ObjectInfo info : store.list(storage.indexPrefix())) {
      objects.put(info.key(), info.etag());
    }
    return objects;
  }

  @Override
  public void close() {
    try (store) {
      service.close();
    }
  }
}
