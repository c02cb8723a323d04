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
    StorageSettings storage,
    IndexSettings index) {

  public DocqaSettings {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(embedder, "embedder");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(retrieval, "retrieval");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(index, "index");
  }

  /** Settings with the embedded index. */
  public DocqaSettings(ReaderSettings reader, EmbedderSettings embedder, IngestSettings ingest,
      RetrievalSettings retrieval, StorageSettings storage) {
    this(reader, embedder, ingest, retrieval, storage, IndexSettings.defaults());
  }

  /** Local defaults: index in a local folder, the built-in embedder, the project's own small reader. */
  public static DocqaSettings defaults() {
    return new DocqaSettings(
        ReaderSettings.defaults(),
        EmbedderSettings.defaults(),
        IngestSettings.defaults(),
        RetrievalSettings.defaults(),
        StorageSettings.defaults(),
        IndexSettings.defaults());
  }

  public DocqaSettings withReader(ReaderSettings value) {
    return new DocqaSettings(value, embedder, ingest, retrieval, storage, index);
  }

  public DocqaSettings withEmbedder(EmbedderSettings value) {
    return new DocqaSettings(reader, value, ingest, retrieval, storage, index);
  }

  public DocqaSettings withIngest(IngestSettings value) {
    return new DocqaSettings(reader, embedder, value, retrieval, storage, index);
  }

  public DocqaSettings withRetrieval(RetrievalSettings value) {
    return new DocqaSettings(reader, embedder, ingest, value, storage, index);
  }

  public DocqaSettings withIndex(IndexSettings value) {
    return new DocqaSettings(reader, embedder, ingest, retrieval, storage, value);
  }

  public DocqaSettings withStorage(StorageSettings value) {
    return new DocqaSettings(reader, embedder, ingest, retrieval, value, index);
  }
}
