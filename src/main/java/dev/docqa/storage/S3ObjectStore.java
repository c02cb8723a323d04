package dev.docqa.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
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
 * <p>Retries are the client's own (see {@link S3Connection.Retries}: bounded attempts with backoff, attempt and call
 * timeouts); this class adds none on top, except for the one failure the SDK passes through unretried (a kept-alive
 * connection the server had closed), so a failing request costs at most the client's attempts. What still fails is a
 * {@link StorageException}; a conditional put whose answer was lost is decided from the object at the key (see
 * {@link #put}).
 *
 * <p>Thread-safe as {@link S3Client} is. Closes the client on {@link #close()} only when it owns it.
 */
public final class S3ObjectStore implements ObjectStore {

  private static final int STALE_CONNECTION_ATTEMPTS = 3;

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
      HeadObjectResponse response = call("head", key, () -> client.headObject(b -> b.bucket(bucket).key(fullKey)));
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
      return call("get", key, () -> client.getObject(b -> b.bucket(bucket).key(fullKey)));
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
    } catch (IOException e) {
      throw new StorageException("cannot prepare a temporary file beside " + target, e);
    }
    // Inside the attempt, so the attempt timeout covers the transfer; each retry writes the file from the start.
    ResponseTransformer<GetObjectResponse, GetObjectResponse> toTmp = (response, in) -> {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      return response;
    };
    try {
      call("download", key, () -> client.getObject(b -> b.bucket(bucket).key(fullKey), toTmp));
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

  /**
   * {@inheritDoc}
   *
   * <p>A conditional put can land without its answer arriving (a timeout, a dropped connection); the client's retry of
   * it then gets 412, or fails in turn. So whenever a conditional put does not plainly succeed, the object now at the
   * key decides: our content there means our put won (callers write unique content, e.g. a manifest naming its
   * writer); a condition that no longer holds means it lost; otherwise it failed and may be tried again.
   */
  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(fullKey(key));
    switch (condition) {
      case PutCondition.Always always -> {}
      case PutCondition.IfAbsent ifAbsent -> request.ifNoneMatch("*");
      case PutCondition.IfMatch ifMatch -> request.ifMatch('"' + ETags.normalize(ifMatch.etag()) + '"');
    }
    PutObjectRequest built = request.build();
    try {
      return ETags.normalize(call("put", key, () -> client.putObject(built, RequestBody.fromBytes(content))).eTag());
    } catch (S3Exception e) {
      // 412: condition false; 409: a concurrent conditional write won; 404: If-Match on a missing object.
      boolean rejected =
          e.statusCode() == 412
              || e.statusCode() == 409
              || (e.statusCode() == 404 && condition instanceof PutCondition.IfMatch);
      if (condition instanceof PutCondition.Always) {
        throw failure("put", key, e);
      }
      Optional<String> decided = decideConditionalPut(key, content, condition, e);
      if (decided.isPresent()) {
        return decided.get();
      }
      throw rejected ? lostPut(key, condition, e) : failure("put", key, e);
    } catch (StorageException e) {
      if (condition instanceof PutCondition.Always) {
        throw e;
      }
      return decideConditionalPut(key, content, condition, e).orElseThrow(() -> e);
    }
  }

  /**
   * Decides a conditional put from the object now at the key, read back whole: our bytes there mean our put won (its
   * ETag, as the store reports it, is returned); a condition that no longer holds means it lost; empty when the put did
   * not land. The content decides, not the ETag: an ETag is the MD5 of the content only for single-part uploads
   * without SSE-KMS, and judging a landed manifest lost would make its publisher delete files it names.
   *
   * @param failure what the put ended with, kept as the cause (or suppressed, when the deciding GET fails too)
   */
  private Optional<String> decideConditionalPut(
      String key, byte[] content, PutCondition condition, RuntimeException failure) {
    Optional<ResponseBytes<GetObjectResponse>> now;
    try {
      now = readBack(key);
    } catch (StorageException e) {
      e.addSuppressed(failure);
      throw e;
    }
    Optional<String> etag = now.map(bytes -> ETags.normalize(bytes.response().eTag()));
    if (now.isPresent() && Arrays.equals(now.get().asByteArrayUnsafe(), content)) {
      return etag;
    }
    boolean conditionFails =
        switch (condition) {
          case PutCondition.Always always -> false;
          case PutCondition.IfAbsent ifAbsent -> now.isPresent();
          case PutCondition.IfMatch ifMatch ->
              etag.isEmpty() || !etag.get().equals(ETags.normalize(ifMatch.etag()));
        };
    if (conditionFails) {
      throw lostPut(key, condition, failure);
    }
    return Optional.empty();
  }

  /** The object at {@code key} with its bytes, or empty when there is none. */
  private Optional<ResponseBytes<GetObjectResponse>> readBack(String key) {
    String fullKey = fullKey(key);
    try {
      return Optional.of(call("get", key, () -> client.getObjectAsBytes(b -> b.bucket(bucket).key(fullKey))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("get", key, e);
    }
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
          call("upload", key, () -> client.putObject(b -> b.bucket(bucket).key(fullKey), RequestBody.fromFile(source)))
              .eTag());
    } catch (S3Exception e) {
      throw failure("upload", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String keyPrefix) {
    ObjectKeys.checkPrefix(keyPrefix);
    try {
      return call(
          "list",
          keyPrefix,
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
      call("delete", key, () -> client.deleteObject(b -> b.bucket(bucket).key(fullKey)));
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
   * Runs one request. The client retries it with backoff, except when the URL-connection HTTP client throws an
   * {@link UncheckedIOException}, which the SDK passes through without retrying: that is typically a kept-alive
   * connection the server had closed, so it is sent again at once, at most {@value #STALE_CONNECTION_ATTEMPTS} times in
   * all. Safe for every request here: all are idempotent, and a resent conditional put that had landed gets 412, which
   * {@link #put} decides from the object at the key.
   *
   * <p>A failure without an S3 answer (timeouts, broken connections, once the client's attempts are spent) becomes a
   * {@link StorageException}; an S3 error answer stays an {@link S3Exception} for the caller to read its status.
   */
  private <T> T call(String operation, String key, Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return request.get();
      } catch (UncheckedIOException e) {
        if (attempt == STALE_CONNECTION_ATTEMPTS) {
          throw new StorageException(operation + " " + key + " in " + describe() + " failed after " + attempt
              + " connection failures: " + e.getMessage(), e);
        }
      } catch (SdkClientException e) {
        throw new StorageException(operation + " " + key + " in " + describe() + " failed: " + e.getMessage(), e);
      }
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
