package dev.docqa.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where documents and the published index live, and where they are cached locally.
 *
 * @param location a local folder (the embedded default) or {@code s3://bucket/prefix}
 * @param cacheDir local working copy of the index and fetched models ({@code /tmp/...} on Lambda)
 * @param maxStaleness how long a reader may serve an index before checking for a newer published commit
 * @param documentPrefix where documents are uploaded, relative to {@code location}, e.g. {@code documents/}; the document id
 *     is the key below it
 * @param indexPrefix where the index is published, relative to {@code location}, e.g. {@code index/}
 * @param gcGrace how long files of a superseded index commit are kept, so slow readers never lose files under them
 * @param s3Endpoint an S3 endpoint override ({@code http://host:port} of an S3-compatible server), or {@code null}
 * @param s3Region the S3 signing region
 * @param s3PathStyle address buckets by path ({@code endpoint/bucket}), as S3-compatible servers need
 */
public record StorageSettings(
    String location,
    Path cacheDir,
    Duration maxStaleness,
    String documentPrefix,
    String indexPrefix,
    Duration gcGrace,
    String s3Endpoint,
    String s3Region,
    boolean s3PathStyle) {

  public static final String DEFAULT_DOCUMENT_PREFIX = "documents/";
  public static final String DEFAULT_INDEX_PREFIX = "index/";
  public static final Duration DEFAULT_GC_GRACE = Duration.ofMinutes(15);
  public static final String DEFAULT_S3_REGION = "us-east-1";

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
    requireFolderPrefix("documentPrefix", documentPrefix);
    requireFolderPrefix("indexPrefix", indexPrefix);
    if (!documentPrefix.isEmpty() && (indexPrefix.startsWith(documentPrefix) || documentPrefix.startsWith(indexPrefix))) {
      throw new IllegalArgumentException("documentPrefix and indexPrefix must not overlap; documentPrefix="
          + documentPrefix + ", indexPrefix=" + indexPrefix);
    }
    if (gcGrace == null || gcGrace.isNegative() || gcGrace.isZero()) {
      throw new IllegalArgumentException("gcGrace must be positive; gcGrace=" + gcGrace);
    }
    if (s3Region == null || s3Region.isBlank()) {
      throw new IllegalArgumentException("s3Region must be set");
    }
    if (s3Endpoint != null && s3Endpoint.isBlank()) {
      s3Endpoint = null;
    }
  }

  /** The original three settings; the rest take their defaults. */
  public StorageSettings(String location, Path cacheDir, Duration maxStaleness) {
    this(location, cacheDir, maxStaleness, DEFAULT_DOCUMENT_PREFIX, DEFAULT_INDEX_PREFIX, DEFAULT_GC_GRACE, null,
        DEFAULT_S3_REGION, false);
  }

  public static StorageSettings defaults() {
    return new StorageSettings("docqa-data/store", Path.of("docqa-data/cache"), Duration.ofSeconds(2));
  }

  /** Whether {@link #location()} names an S3 bucket rather than a local folder. */
  public boolean isS3() {
    return location.startsWith("s3://");
  }

  private static void requireFolderPrefix(String name, String value) {
    if (value == null || value.isEmpty() || !value.endsWith("/") || value.startsWith("/") || value.contains("..")) {
      throw new IllegalArgumentException(
          name + " must be a relative folder ending with '/', without '..'; " + name + "=" + value);
    }
  }
}
