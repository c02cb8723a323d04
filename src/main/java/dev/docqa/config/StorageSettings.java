package dev.docqa.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where documents and the published index live, and where they are cached locally.
 *
 * @param location a local folder (the embedded default) or {@code s3://bucket/prefix}
 * @param cacheDir local working copy of the index and fetched models ({@code /tmp/...} on Lambda)
 * @param maxStaleness how long a reader may serve an index before checking for a newer published commit
 */
public record StorageSettings(String location, Path cacheDir, Duration maxStaleness) {

  public StorageSettings {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("storage location must be set");
    }
    if (cacheDir == null) {
      throw new IllegalArgumentException("cacheDir must be set");
    }
    if (maxStaleness == null || maxStaleness.isNegative()) {
      throw new IllegalArgumentException("maxStaleness must be >= 0; maxStaleness=" + maxStaleness);
    }
  }

  public static StorageSettings defaults() {
    return new StorageSettings("docqa-data/store", Path.of("docqa-data/cache"), Duration.ofSeconds(2));
  }
}
