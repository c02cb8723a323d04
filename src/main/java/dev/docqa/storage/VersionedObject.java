package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A small value (e.g. a JSON manifest) that changes by compare-and-swap, built on put-if-absent alone: version
 * {@code g} is the immutable object {@code <prefix><g as 19 digits>}, and of all writers trying to write generation
 * {@code g + 1} exactly one succeeds. This works on S3 ({@code If-None-Match: *}), on s3proxy (whose {@code If-Match}
 * is not atomic, see {@link S3ObjectStore}) and on the local store. Reading the latest version is one LIST and one GET.
 *
 * <p>Old versions are removed by {@link #prune} only once they have been superseded for longer than a grace period, so
 * a reader that has just listed never finds the version it chose gone. Thread-safe; holds no resources.
 */
public final class VersionedObject {

  private static final Pattern GENERATION = Pattern.compile("\\d{19}");
  private static final int READ_ATTEMPTS = 5;

  private final ObjectStore store;
  private final String prefix;

  /** One version. {@code writtenAt} is the store's timestamp of the object. */
  public record Version(long generation, String content, Instant writtenAt) {}

  /**
   * @param store where the versions live
   * @param prefix a folder-like key prefix ending with {@code /}, used for nothing else
   */
  public VersionedObject(ObjectStore store, String prefix) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must end with '/'; prefix=" + prefix);
    }
    this.store = store;
    this.prefix = ObjectKeys.checkPrefix(prefix);
  }

  /** The newest version, or empty when none was ever written. */
  public Optional<Version> latest() {
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      List<ObjectInfo> versions = versions();
      if (versions.isEmpty()) {
        return Optional.empty();
      }
      ObjectInfo newest = versions.getLast();
      try {
        return Optional.of(new Version(generationOf(newest), read(newest.key()), newest.lastModified()));
      } catch (NoSuchObjectException prunedMeanwhile) {
        // Only superseded versions are pruned, so a newer one exists now: list again.
      }
    }
    throw new StorageException(
        "the newest version under " + prefix + " in " + store.describe() + " kept disappearing while read", null);
  }

  /** The version with this generation, or empty when it does not exist (never written, or pruned). */
  public Optional<Version> read(long generation) {
    String key = keyOf(generation);
    Optional<ObjectInfo> info = store.head(key);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Version(generation, read(key), info.get().lastModified()));
    } catch (NoSuchObjectException pruned) {
      return Optional.empty();
    }
  }

  /**
   * Writes {@code content} as version {@code generation} unless that version exists already.
   *
   * @return {@code true} when this call created it, {@code false} when another writer had
   */
  public boolean tryWrite(long generation, String content) {
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1; generation=" + generation);
    }
    try {
      store.put(keyOf(generation), content.getBytes(UTF_8), PutCondition.ifAbsent());
      return true;
    } catch (PreconditionFailedException taken) {
      return false;
    }
  }

  /**
   * Deletes the versions that were superseded more than {@code grace} before {@code now} (a version is superseded when
   * the next one is written); never the newest.
   *
   * @return the generations still stored, oldest first
   */
  public List<Long> prune(Instant now, Duration grace) {
    List<ObjectInfo> versions = versions();
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      boolean superseded =
          i + 1 < versions.size() && !versions.get(i + 1).lastModified().plus(grace).isAfter(now);
      if (superseded) {
        store.delete(versions.get(i).key());
      } else {
        kept.add(generationOf(versions.get(i)));
      }
    }
    return List.copyOf(kept);
  }

  private List<ObjectInfo> versions() {
    return store.list(prefix).stream()
        .filter(info -> GENERATION.matcher(info.key().substring(prefix.length())).matches())
        .toList();
  }

  private String keyOf(long generation) {
    return prefix + String.format("%019d", generation);
  }

  private long generationOf(ObjectInfo info) {
    return Long.parseLong(info.key().substring(prefix.length()));
  }

  private String read(String key) {
    try (InputStream in = store.open(key)) {
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new StorageException("cannot read " + key + " in " + store.describe(), e);
    }
  }
}
