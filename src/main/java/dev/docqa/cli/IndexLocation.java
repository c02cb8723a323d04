package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What commands say about the index they were given: its data folder (or {@code s3://} location) in messages, and the
 * check that keeps read-only commands from creating anything where no index is. Stateless.
 */
final class IndexLocation {

  private IndexLocation() {}

  /**
   * The index as the user named it: an OpenSearch location without credentials, the data folder of a local store
   * ({@code DIR/store}), else the store's location.
   */
  static String describe(DocqaSettings settings) {
    if (!settings.index().isEmbedded()) {
      return settings.index().location().replaceFirst("//[^/@]*@", "//");
    }
    return describe(settings.storage());
  }

  /** The data folder of a local store ({@code DIR/store}), else the store's location. */
  static String describe(StorageSettings storage) {
    String location = storage.location();
    if (location.startsWith("s3://")) {
      return location;
    }
    Path store = Path.of(location);
    return store.getFileName() != null && store.getFileName().toString().equals("store") && store.getParent() != null
        ? store.getParent().toString()
        : location;
  }

  /**
   * Fails, naming the folder, when a local index does not exist: a read-only command ({@code ask}, {@code list},
   * {@code delete}) must not create folders or copy models where the user mistyped a path.
   */
  static void requireExisting(DocqaSettings settings) {
    if (!settings.index().isEmbedded()) {
      return; // the engine says itself whether the index exists
    }
    StorageSettings storage = settings.storage();
    String location = storage.location();
    if (!location.startsWith("s3://") && !Files.isDirectory(Path.of(location))) {
      throw new DocqaException("no index at " + describe(storage) + " (no folder " + location
          + "): ingest documents there first, or name another with --index");
    }
  }
}
