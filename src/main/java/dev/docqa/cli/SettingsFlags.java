package dev.docqa.cli;

import dev.docqa.InvalidInputException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.IndexSettings;
import dev.docqa.config.ReaderSettings;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.service.IndexBackends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The flags shared by commands, each mapped onto one field of {@link DocqaSettings}; nothing else reads them. */
final class SettingsFlags {

  static final String INDEX = "--index";
  static final String TOP_K = "--top-k";
  static final String READER = "--reader";
  static final String EMBEDDER = "--embedder";
  static final String RETRIEVER = "--retriever";
  static final String NO_ANSWER = "--no-answer";
  static final String NULL_THRESHOLD = "--null-threshold";

  private SettingsFlags() {}

  /** {@code settings} with every shared flag present on the command line applied. */
  static DocqaSettings apply(CommandLine line, DocqaSettings settings) throws UsageException {
    try {
      DocqaSettings result = settings;
      Optional<String> index = line.value(INDEX);
      if (index.isPresent()) {
        result = located(index.get(), result);
      }
      Optional<String> reader = line.value(READER);
      if (reader.isPresent()) {
        ReaderSettings r = result.reader();
        result = result.withReader(r.withModel(reader.get()));
      }
      if (line.has(NULL_THRESHOLD) && !line.has(NO_ANSWER)) {
        throw new UsageException(NULL_THRESHOLD + " needs " + NO_ANSWER);
      }
      if (line.has(NO_ANSWER)) {
        Double threshold = null;
        if (line.value(NULL_THRESHOLD).isPresent()) {
          String value = line.value(NULL_THRESHOLD).get();
          try {
            threshold = Double.valueOf(value.trim());
          } catch (NumberFormatException e) {
            throw new UsageException(NULL_THRESHOLD + " must be a number; " + NULL_THRESHOLD + "=" + value, e);
          }
        }
        result = result.withReader(result.reader().withNoAnswer(true, threshold));
      }
      Optional<String> embedder = line.value(EMBEDDER);
      if (embedder.isPresent()) {
        result = result.withEmbedder(new EmbedderSettings(embedder.get(), result.embedder().batchSize()));
      }
      RetrievalSettings retrieval = result.retrieval();
      RetrieverMode mode = line.value(RETRIEVER).map(RetrieverMode::parse).orElse(retrieval.mode());
      int topK = line.value(TOP_K).isPresent() ? positiveInt(TOP_K, line.value(TOP_K).get()) : retrieval.topK();
      return result.withRetrieval(new RetrievalSettings(mode, topK));
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * {@code settings} with the index at {@code location}: an OpenSearch index ({@code opensearch+http(s)://...}), or the
   * embedded index of a data folder or {@code s3://} location (see {@link #index}).
   *
   * @throws UsageException when {@code location} is blank or not a valid location
   */
  static DocqaSettings located(String location, DocqaSettings settings) throws UsageException {
    try {
      if (location.startsWith(IndexSettings.OPENSEARCH_SCHEME)) {
        IndexSettings index = settings.index().withLocation(location);
        IndexBackends.openSearch(index); // a malformed location is a usage error, before anything opens
        return settings.withIndex(index);
      }
      return settings.withIndex(settings.index().withLocation(IndexSettings.EMBEDDED))
          .withStorage(index(location, settings.storage()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * An index location: {@code s3://bucket/prefix} as is, or a local data folder holding {@code store/} (documents and
   * the published index) and {@code cache/} (the working copy), as the default {@code docqa-data} does.
   */
  static StorageSettings index(String location, StorageSettings current) {
    if (location.isBlank()) {
      throw new IllegalArgumentException(
          "--index must name a folder, s3://bucket/prefix or opensearch+http(s)://HOST/INDEX; --index is empty");
    }
    if (location.startsWith("s3://")) {
      return relocate(current, location, current.cacheDir(), current.maxStaleness());
    }
    return dataFolder(Path.of(location), current, current.maxStaleness());
  }

  /** {@code current} moved to the local data folder {@code folder} ({@code store/} + {@code cache/}). */
  static StorageSettings dataFolder(Path folder, StorageSettings current, Duration maxStaleness) {
    return relocate(current, folder.resolve("store").toString(), folder.resolve("cache"), maxStaleness);
  }

  /** {@code current} with a new location, cache and staleness; prefixes and S3 connection settings kept. */
  private static StorageSettings relocate(
      StorageSettings current, String location, Path cacheDir, Duration maxStaleness) {
    return new StorageSettings(location, cacheDir, maxStaleness, current.documentPrefix(), current.indexPrefix(),
        current.gcGrace(), current.s3Endpoint(), current.s3Region(), current.s3PathStyle());
  }

  static int positiveInt(String flag, String value) throws UsageException {
    String rule = flag + " must be a positive integer; " + flag + "=" + value;
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(rule, e);
    }
    if (parsed <= 0) {
      throw new UsageException(rule);
    }
    return parsed;
  }
}
