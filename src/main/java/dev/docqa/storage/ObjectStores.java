package dev.docqa.storage;

import dev.docqa.config.StorageSettings;
import java.net.URI;
import java.nio.file.Path;

/** Opens the store that {@link StorageSettings#location()} names: {@code s3://bucket/prefix} or a local folder. */
public final class ObjectStores {

  private ObjectStores() {}

  /**
   * Opens the configured store. For S3 the client comes from {@code settings} (endpoint, region, path style) and the
   * default AWS credential chain; the returned store owns and closes it.
   */
  public static ObjectStore open(StorageSettings settings) {
    if (!settings.isS3()) {
      return new LocalObjectStore(Path.of(settings.location()));
    }
    S3Location location = S3Location.parse(settings.location());
    S3Connection connection =
        new S3Connection(
            settings.s3Endpoint() == null ? null : URI.create(settings.s3Endpoint()),
            settings.s3Region(),
            null,
            null,
            settings.s3PathStyle());
    return S3ObjectStore.open(connection, location.bucket(), location.prefix());
  }

  /**
   * A parsed {@code s3://bucket/prefix} location.
   *
   * @param prefix empty, or a key prefix ending with {@code /}
   */
  public record S3Location(String bucket, String prefix) {

    /** Parses {@code s3://bucket} or {@code s3://bucket/some/prefix[/]}. */
    public static S3Location parse(String location) {
      if (location == null || !location.startsWith("s3://")) {
        throw new IllegalArgumentException("S3 location must look like s3://bucket/prefix; location=" + location);
      }
      String rest = location.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isEmpty()) {
        throw new IllegalArgumentException("S3 location must name a bucket; location=" + location);
      }
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        prefix = prefix + "/";
      }
      ObjectKeys.checkPrefix(prefix);
      return new S3Location(bucket, prefix);
    }
  }
}
