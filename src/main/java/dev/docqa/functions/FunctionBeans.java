package dev.docqa.functions;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocQaService;
import io.quarkus.arc.DefaultBean;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import dev.docqa.storage.S3ObjectStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CDI wiring of the functions: settings from {@link DocqaConfig}, the object store (the Quarkus-configured
 * {@link S3Client} for {@code s3://} locations, else a local folder), and the handlers. The {@link DocQa} service bean
 * (models, index replica) is produced here once per container; the handlers only call its interface.
 */
@Singleton
public class FunctionBeans {

  @Produces
  @Singleton
  DocqaSettings settings(DocqaConfig config) {
    return config.toSettings();
  }

  @Produces
  @Singleton
  ObjectStore objectStore(DocqaSettings settings, Instance<S3Client> s3) {
    StorageSettings storage = settings.storage();
    if (!storage.isS3()) {
      return new LocalObjectStore(Path.of(storage.location()));
    }
    ObjectStores.S3Location location = ObjectStores.S3Location.parse(storage.location());
    // Quarkus owns the client's lifecycle; the store must not close it.
    return new S3ObjectStore(s3.get(), location.bucket(), location.prefix(), false);
  }

  /**
   * The real service: models load and the index syncs here, once per container. Models at {@code s3://} locations are
   * fetched with the injected client.
   */
  @Produces
  @Singleton
  @DefaultBean
  DocQa service(DocqaSettings settings, ObjectStore store, Instance<S3Client> s3) {
    long started = System.nanoTime();
    ModelResolver models = new ModelResolver(settings.storage().cacheDir().resolve("models"),
        bucket -> new S3ObjectStore(s3.get(), bucket, "", false));
    DocQaService service = DocQaService.open(settings, store, models);
    JsonLog.info("init.service", "ms", (System.nanoTime() - started) / 1e6, "phases_ms", service.openTimingsMs());
    return service;
  }

  void closeService(@Disposes DocQa service) {
    service.close();
  }

  void closeObjectStore(@Disposes ObjectStore store) {
    store.close();
  }

  @Produces
  @Singleton
  AskHandler askHandler(DocQa docQa) {
    return new AskHandler(docQa);
  }

  @Produces
  @Singleton
  IngestHandler ingestHandler(
      DocQa docQa, ObjectStore store, DocqaSettings settings, DocqaConfig config) {
    StorageSettings storage = settings.storage();
    String bucket;
    String storePrefix;
    if (storage.isS3()) {
      ObjectStores.S3Location location = ObjectStores.S3Location.parse(storage.location());
      bucket = config.functions().eventBucket().orElse(location.bucket());
      storePrefix = location.prefix();
    } else {
      bucket =
          config
              .functions()
              .eventBucket()
              .orElseThrow(() -> new IllegalStateException(
                  "docqa.functions.event-bucket must be set when docqa.storage.location is a local folder; location="
                      + storage.location()));
      storePrefix = "";
    }
    return new IngestHandler(new EventReconciler(
        docQa,
        store,
        storage.documentPrefix(),
        new EventFilter(bucket, storePrefix + storage.documentPrefix()),
        storage.cacheDir().resolve("downloads")));
  }
}
