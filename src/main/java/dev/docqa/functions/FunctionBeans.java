package dev.docqa.functions;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.service.DocQa;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import dev.docqa.storage.S3ObjectStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CDI wiring of the functions: settings from {@link DocqaConfig}, the object store (the Quarkus-configured
 * {@link S3Client} for {@code s3://} locations, else a local folder), and the handlers. The {@link DocQa} service bean
 * is produced elsewhere; the handlers only call its interface.
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

  /** The service, resolved lazily so this wiring builds before a {@link DocQa} producer exists. */
  private static DocQa service(Instance<DocQa> docQa) {
    if (docQa.isUnsatisfied()) {
      throw new IllegalStateException("no dev.docqa.service.DocQa bean: add a CDI producer for the service");
    }
    return docQa.get();
  }

  void closeObjectStore(@Disposes ObjectStore store) {
    store.close();
  }

  @Produces
  @Singleton
  AskHandler askHandler(Instance<DocQa> docQa) {
    return new AskHandler(service(docQa));
  }

  @Produces
  @Singleton
  IngestHandler ingestHandler(
      Instance<DocQa> docQa, ObjectStore store, DocqaSettings settings, DocqaConfig config) {
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
    return new IngestHandler(
        service(docQa),
        store,
        storage.documentPrefix(),
        new EventFilter(bucket, storePrefix + storage.documentPrefix()),
        new EventLedger(store, storage.indexPrefix() + "events/", Clock.systemUTC(), storage.gcGrace()),
        storage.cacheDir().resolve("downloads"));
  }
}
