package dev.docqa.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of immutable-per-version objects under one root (an S3 bucket + prefix, or a local folder). Keys are
 * relative to that root, use {@code /} as separator, and never contain {@code ..} segments.
 *
 * <p>Implementations are thread-safe. Conditional puts are the compare-and-swap the index publisher builds on.
 */
public interface ObjectStore extends AutoCloseable {

  /** Metadata of the object at {@code key}, or empty when there is none. */
  Optional<ObjectInfo> head(String key);

  /** Opens the object for reading; the caller closes the stream. */
  InputStream open(String key) throws NoSuchObjectException;

  /** Copies the object to {@code target} (replacing it), atomically: a half-written file is never visible there. */
  void download(String key, Path target) throws NoSuchObjectException;

  /**
   * Writes {@code content} at {@code key} if {@code condition} holds and returns the new object's ETag.
   *
   * @throws PreconditionFailedException when the condition does not hold (someone else wrote first)
   */
  String put(String key, byte[] content, PutCondition condition);

  /** Uploads a local file, unconditionally; returns its ETag. */
  String upload(Path source, String key);

  /** All objects whose key starts with {@code prefix}, in key order. */
  List<ObjectInfo> list(String prefix);

  /** Removes the object; removing a missing object is not an error. */
  void delete(String key);

  /** A human-readable location, e.g. {@code s3://bucket/prefix} or a folder path, for messages. */
  String describe();

  @Override
  void close();
}
