package dev.docqa.replication;

import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * Local copies of published index files, keyed by object key, so a new commit downloads only the files it does not
 * share with the commits already here. Commit directories are assembled from it with hard links (copies where the file
 * system has none), so deleting a cache entry never breaks an open commit.
 *
 * <p>Every downloaded file is verified (size and the CRC32 of its Lucene codec footer) before it is used. Not
 * thread-safe: each owner serialises its calls.
 */
final class LocalFileCache {

  private final ObjectStore store;
  private final Path dir;

  LocalFileCache(ObjectStore store, Path dir) {
    this.store = store;
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create index file cache " + dir, e);
    }
  }

  /** Creates {@code target} holding exactly the files of {@code manifest}, downloading the ones not cached yet. */
  void materialize(Manifest manifest, Path target) throws IOException {
    Files.createDirectories(target);
    for (Manifest.IndexFile file : manifest.files()) {
      Path cached = fetch(file);
      link(cached, target.resolve(file.name()));
    }
  }

  /** Adds a local file (just uploaded as {@code key}) to the cache. */
  void add(String key, Path file) throws IOException {
    Path cached = pathOf(key);
    if (!Files.exists(cached)) {
      link(file, cached);
    }
  }

  /** Removes every cached file whose key is not in {@code keys}. */
  void retainOnly(Set<String> keys) throws IOException {
    Set<Path> keep = new HashSet<>();
    keys.forEach(key -> keep.add(pathOf(key)));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!keep.contains(file)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Path fetch(Manifest.IndexFile file) throws IOException {
    Path cached = pathOf(file.key());
    if (Files.exists(cached)) {
      return cached;
    }
    Path partial = dir.resolve(cached.getFileName() + ".part");
    store.download(file.key(), partial);
    try {
      verify(file, partial);
      Files.move(partial, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return cached;
  }

  private void verify(Manifest.IndexFile file, Path local) throws IOException {
    long size = Files.size(local);
    if (size != file.size()) {
      throw new StorageException(
          "index file " + file.key() + " has " + size + " bytes, the manifest says " + file.size(), null);
    }
    try (Directory directory = new NIOFSDirectory(local.getParent());
        IndexInput input = directory.openInput(local.getFileName().toString(), IOContext.READONCE)) {
      long checksum = CodecUtil.checksumEntireFile(input);
      if (checksum != file.checksum()) {
        throw new StorageException(
            "index file " + file.key() + " has checksum " + checksum + ", the manifest says " + file.checksum(), null);
      }
    }
  }

  private Path pathOf(String key) {
    return dir.resolve(URLEncoder.encode(key, StandardCharsets.UTF_8));
  }

  static void link(Path existing, Path link) throws IOException {
    try {
      Files.createLink(link, existing);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | IOException noHardLinks) {
      Files.copy(existing, link);
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
