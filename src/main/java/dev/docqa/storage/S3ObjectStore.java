package dev.docqa.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An {@link ObjectStore} over an S3 bucket (or an S3-compatible server), all keys below one prefix.
 *
 * <p>Conditional puts send {@code If-None-Match: *} and {@code If-Match: "<etag>"}; S3 answers 412 when the condition
 * fails and 409 when a concurrent conditional write to the same key is in progress, both reported as
 * {@link PreconditionFailedException}. S3 applies both atomically. Note that s3proxy 4.1.0 (the test server) applies
 * {@code If-None-Match: *} atomically (a hard link in its nio2 backends) but checks {@code If-Match} before writing,
 * not atomically; the index publisher therefore builds its compare-and-swap on put-if-absent only.
 *
 * <p>Thread-safe as {@link S3Client} is. Closes the client on {@link #close()} only when it owns it.
 */
public final class S3ObjectStore implements ObjectStore {

  private static final int TRANSPORT_ATTEMPTS = 3;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final boolean ownsClient;

  /**
   * @param client the client to use
   * @param bucket the bucket
   * @param prefix the key prefix everything lives under: empty, or ending with {@code /}
   * @param ownsClient whether {@link #close()} closes {@code client}
   */
  public S3ObjectStore(S3Client client, String bucket, String prefix, boolean ownsClient) {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket must be set");
    }
    ObjectKeys.checkPrefix(prefix);
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must be empty or end with '/'; prefix=" + prefix);
    }
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix;
    this.ownsClient = ownsClient;
  }

  /** Opens {@code s3://bucket/prefix} with a client built from {@code connection}; the store owns that client. */
  public static S3ObjectStore open(S3Connection connection, String bucket, String prefix) {
    return new S3ObjectStore(connection.newClient(), bucket, prefix, true);
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    String fullKey = fullKey(key);
    try {
      HeadObjectResponse response = retryingTransport(() -> client.headObject(b -> b.bucket(bucket).key(fullKey)));
      return Optional.of(
          new ObjectInfo(key, response.contentLength(), ETags.normalize(response.eTag()), response.lastModified()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("head", key, e);
    }
  }

  @Override
  public InputStream open(String key) {
    String fullKey = fullKey(key);
    try {
      return retryingTransport(() -> client.getObject(b -> b.bucket(bucket).key(fullKey)));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NoSuchObjectException(key, describe());
      }
      throw failure("get", key, e);
    }
  }

  @Override
  public void download(String key, Path target) {
    String fullKey = fullKey(key);
    Path parent = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      Files.createDirectories(parent);
      tmp = Files.createTempFile(parent, "." + target.getFileName(), ".part");
      Files.delete(tmp); // the SDK refuses to write over an existing file
    } catch (IOException e) {
      throw new StorageException("cannot prepare a temporary file beside " + target, e);
    }
    try {
      retryingTransport(
          () -> {
            deleteIfExists(tmp);
            return client.getObject(b -> b.bucket(bucket).key(fullKey), ResponseTransformer.toFile(tmp));
          });
      LocalObjectStore.moveAtomically(tmp, target);
    } catch (S3Exception e) {
      deleteQuietly(tmp, e);
      if (e.statusCode() == 404) {
        throw new NoSuchObjectException(key, describe());
      }
      throw failure("download", key, e);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp, e);
      throw new StorageException("cannot download " + key + " from " + describe() + " to " + target, e);
    }
  }

  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(fullKey(key));
    switch (condition) {
      case PutCondition.Always always -> {}
      case PutCondition.IfAbsent ifAbsent -> request.ifNoneMatch("*");
      case PutCondition.IfMatch ifMatch -> request.ifMatch('"' + ETags.normalize(ifMatch.etag()) + '"');
    }
    PutObjectRequest built = request.build();
    for (int attempt = 1; ; attempt++) {
      try {
        return ETags.normalize(client.putObject(built, RequestBody.fromBytes(content)).eTag());
      } catch (S3Exception e) {
        // 412: condition false; 409: a concurrent conditional write won; 404: If-Match on a missing object.
        boolean lost =
            e.statusCode() == 412
                || e.statusCode() == 409
                || (e.statusCode() == 404 && condition instanceof PutCondition.IfMatch);
        if (!lost) {
          throw failure("put", key, e);
        }
        // An SDK retry of a put that did land answers 412 too: our content at the key means we won.
        return decideConditionalPut(key, content, condition)
            .orElseThrow(() -> lostPut(key, condition, e));
      } catch (SdkClientException | UncheckedIOException e) {
        // The answer was lost (e.g. a kept-alive connection the server had closed): the object now at the key tells
        // whether the put landed; if it did not and the condition still holds, putting again is safe.
        Optional<String> decided =
            condition instanceof PutCondition.Always ? Optional.empty() : decideConditionalPut(key, content, condition);
        if (decided.isPresent()) {
          return decided.get();
        }
        if (attempt == TRANSPORT_ATTEMPTS) {
          throw new StorageException(
              "put of " + key + " in " + describe() + " failed after " + attempt + " attempts: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Decides a conditional put from the object now at the key: our content there means our put won (callers write unique
   * content, e.g. a manifest naming its writer); a condition that no longer holds means it lost; empty when the put did
   * not land and may be tried again.
   */
  private Optional<String> decideConditionalPut(String key, byte[] content, PutCondition condition) {
    String ours = ETags.of(content);
    Optional<ObjectInfo> now = head(key);
    if (now.isPresent() && now.get().etag().equals(ours)) {
      return Optional.of(ours);
    }
    boolean conditionFails =
        switch (condition) {
          case PutCondition.Always always -> false;
          case PutCondition.IfAbsent ifAbsent -> now.isPresent();
          case PutCondition.IfMatch ifMatch ->
              now.isEmpty() || !now.get().etag().equals(ETags.normalize(ifMatch.etag()));
        };
    if (conditionFails) {
      throw lostPut(key, condition, null);
    }
    return Optional.empty();
  }

  private PreconditionFailedException lostPut(String key, PutCondition condition, RuntimeException cause) {
    return new PreconditionFailedException(
        "conditional put of " + key + " in " + describe() + " lost (" + condition + ")", cause);
  }

  @Override
  public String upload(Path source, String key) {
    String fullKey = fullKey(key);
    try {
      return ETags.normalize(
          retryingTransport(() -> client.putObject(b -> b.bucket(bucket).key(fullKey), RequestBody.fromFile(source)))
              .eTag());
    } catch (S3Exception e) {
      throw failure("upload", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String keyPrefix) {
    ObjectKeys.checkPrefix(keyPrefix);
    try {
      return retryingTransport(
          () ->
              client
                  .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix))
                  .contents()
                  .stream()
                  .map(o -> new ObjectInfo(
                      o.key().substring(prefix.length()), o.size(), ETags.normalize(o.eTag()), o.lastModified()))
                  .toList());
    } catch (S3Exception e) {
      throw failure("list", keyPrefix, e);
    }
  }

  @Override
  public void delete(String key) {
    String fullKey = fullKey(key);
    try {
      retryingTransport(() -> client.deleteObject(b -> b.bucket(bucket).key(fullKey)));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw failure("delete", key, e);
      }
    }
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + describe() + "]";
  }

  /**
   * Runs an idempotent request, retrying twice when the connection broke: the URL-connection HTTP client can pick a
   * kept-alive connection the server has closed, and the SDK reports that as an {@link UncheckedIOException} it does
   * not retry itself.
   */
  private static <T> T retryingTransport(Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return request.get();
      } catch (UncheckedIOException | SdkClientException e) {
        if (attempt == TRANSPORT_ATTEMPTS) {
          throw new StorageException("S3 request failed after " + attempt + " attempts: " + e.getMessage(), e);
        }
      }
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String fullKey(String key) {
    return prefix + ObjectKeys.check(key);
  }

  private StorageException failure(String operation, String key, S3Exception e) {
    return new StorageException(
        operation + " " + key + " in " + describe() + " failed: HTTP " + e.statusCode() + " " + e.getMessage(), e);
  }

  private static void deleteQuietly(Path file, Exception primary) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
