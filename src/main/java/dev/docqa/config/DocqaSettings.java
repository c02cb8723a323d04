package dev.docqa.config;

import java.util.Objects;

/**
 * All of docqa's settings, grouped by capability. Immutable; derive variants with the {@code with*} methods.
 */
public record DocqaSettings(
    ReaderSettings reader,
    EmbedderSettings embedder,
    IngestSettings ingest,
    RetrievalSettings retrieval,
    StorageSettings storage) {

  public DocqaSettings {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(retrieval, "retrieval");
    Objects.requireNonNull(storage, "storage");
  }

  /** Local defaults: index in a local folder, the built-in embedder, the project's own small reader. */
  public static DocqaSettings defaults() {
    return new DocqaSettings(
        ReaderSettings.defaults(),
        EmbedderSettings.defaults(),
        IngestSettings.defaults(),
        RetrievalSettings.defaults(),
        StorageSettings.defaults());
  }

  public DocqaSettings withReader(ReaderSettings value) {
    return new DocqaSettings(value, embedder, ingest, retrieval, storage);
  }

  public DocqaSettings withEmbedder(EmbedderSettings value) {
    return new DocqaSettings(reader, value, ingest, retrieval, storage);
  }

  public DocqaSettings withIngest(IngestSettings value) {
    return new DocqaSettings(reader, embedder, value, retrieval, storage);
  }

  public DocqaSettings withRetrieval(RetrievalSettings value) {
    return new DocqaSettings(reader, embedder, ingest, value, storage);
  }

  public DocqaSettings withStorage(StorageSettings value) {
    return new DocqaSettings(reader, embedder, ingest, retrieval, value);
  }
}
