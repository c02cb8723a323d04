package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocQaService;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestListener;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import dev.docqa.storage.S3Connection;
import dev.docqa.storage.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The real {@link Backend}: {@link DocQaService} over the configured store (a local folder or S3), with models resolved
 * into {@code cacheDir/models}. {@code s3://} models are fetched with the store's S3 endpoint, region and addressing,
 * and the default AWS credential chain. Stateless and thread-safe.
 */
final class CoreBackend implements Backend {

  /** Where fetched and classpath models are copied, below {@link StorageSettings#cacheDir()}. */
  static final String MODEL_CACHE = "models";

  @Override
  public DocQa open(DocqaSettings settings) {
    StorageSettings storage = settings.storage();
    ObjectStore store = ObjectStores.open(storage);
    // Models are fetched while the service opens (maybe on several threads); their buckets are closed right after.
    List<ObjectStore> modelBuckets = Collections.synchronizedList(new ArrayList<>());
    ModelResolver models = new ModelResolver(storage.cacheDir().resolve(MODEL_CACHE), bucket -> {
      ObjectStore bucketStore = S3ObjectStore.open(s3Connection(storage), bucket, "");
      modelBuckets.add(bucketStore);
      return bucketStore;
    });
    DocQa service;
    try {
      service = DocQaService.open(settings, store, models);
    } catch (RuntimeException e) {
      closeAll(e, modelBuckets, List.of(store));
      throw e;
    }
    try {
      closeAll(null, modelBuckets);
    } catch (RuntimeException e) {
      closeAll(e, List.of(service, store));
      throw e;
    }
    return new StoreOwningDocQa(service, store);
  }

  static S3Connection s3Connection(StorageSettings storage) {
    URI endpoint = storage.s3Endpoint() == null ? null : URI.create(storage.s3Endpoint());
    return new S3Connection(endpoint, storage.s3Region(), null, null, storage.s3PathStyle());
  }

  /**
   * Closes every resource, in order. Failures join {@code pending} (a failure already under way) as suppressed, or
   * without one the first is thrown with the rest suppressed.
   */
  @SafeVarargs
  private static void closeAll(RuntimeException pending, List<? extends AutoCloseable>... groups) {
    RuntimeException failure = pending;
    for (List<? extends AutoCloseable> group : groups) {
      for (AutoCloseable resource : group) {
        try {
          resource.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e instanceof RuntimeException unchecked ? unchecked
                : new DocqaException("cannot close " + resource + ": " + e.getMessage(), e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (pending == null && failure != null) {
      throw failure;
    }
  }

  /** The service, which also closes the store it was opened over (after itself: it may write to it while closing). */
  private record StoreOwningDocQa(DocQa service, ObjectStore store) implements DocQa {

    @Override
    public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
      return service.ingest(documentId, content, sourceVersion);
    }

    @Override
    public List<IngestOutcome> ingestAll(List<DocumentSource> documents) {
      return service.ingestAll(documents);
    }

    @Override
    public boolean delete(String documentId) {
      return service.delete(documentId);
    }

    @Override
    public List<IngestOutcome> ingestAll(List<DocumentSource> documents, IngestListener listener) {
      return service.ingestAll(documents, listener);
    }

    @Override
    public List<String> deleteAll(List<String> documentIds) {
      return service.deleteAll(documentIds);
    }

    @Override
    public List<IndexedDocument> documents() {
      return service.documents();
    }

    @Override
    public List<IndexedDocument> missingSources(Path folder) {
      return service.missingSources(folder);
    }

    @Override
    public AskResult ask(AskRequest request) {
      return service.ask(request);
    }

    @Override
    public List<Passage> retrieve(String question, Integer topK, RetrieverMode mode) {
      return service.retrieve(question, topK, mode);
    }

    @Override
    public AskResult read(String question, List<Passage> passages, int alternatives) {
      return service.read(question, passages, alternatives);
    }

    @Override
    public AskResult read(String question, List<Passage> passages, int alternatives, Integer maxAnswerLength) {
      return service.read(question, passages, alternatives, maxAnswerLength);
    }

    @Override
    public void close() {
      try (store) {
        service.close();
      }
    }
  }
}
