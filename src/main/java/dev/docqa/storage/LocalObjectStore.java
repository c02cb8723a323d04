package dev.docqa.storage;

import dev.docqa.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} in a local folder: key {@code a/b} is the file {@code root/a/b}.
 *
 * <p>Every write goes to a temporary file in {@code root/.docqa-tmp} and is then moved into place atomically, so readers
 * never see a half-written object. Conditional puts check and move under a lock that holds across threads (a JVM-wide
 * lock per folder) and across processes (a {@link FileLock} on {@code root/.docqa-lock}), so concurrent writers from
 * several processes get the same compare-and-swap guarantee as S3. ETags are the hex MD5 of the content, as S3's.
 *
 * <p>Keys never reach outside the folder: {@link ObjectKeys} rules out {@code ..}, absolute paths and backslashes,
 * and a key whose path leads out through a symbolic link inside the folder is refused (such a link is not listed).
 *
 * <p>Thread-safe. {@link #close()} releases nothing but is required by the interface.
 */
public final class LocalObjectStore implements ObjectStore {

  private static final String INTERNAL_PREFIX = ".docqa-";
  static final Duration ABANDONED_AFTER = Duration.ofHours(1);
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  // The root with symbolic links resolved: what every object's real path must lie under.
  private final Path realRoot;
  private final Path tmpDir;
  // Hashing a file for every head/list is costly; a replaced file is a new inode, so (inode, size, mtime) is safe.
  private final ConcurrentHashMap<Path, HashedFile> etagCache = new ConcurrentHashMap<>();
  private final Path lockFile;

  /** Opens (creating when missing) the folder {@code root} as a store. */
  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.tmpDir = this.root.resolve(INTERNAL_PREFIX + "tmp");
    this.lockFile = this.root.resolve(INTERNAL_PREFIX + "lock");
    try {
      Files.createDirectories(tmpDir);
      this.realRoot = this.root.toRealPath();
    } catch (IOException e) {
      throw new StorageException("cannot create store folder " + this.root, e);
    }
    deleteAbandonedTemporaryFiles();
  }

  /**
   * A process killed mid-write leaves its temporary file behind, which no one else would ever remove. Files older than
   * {@link #ABANDONED_AFTER} cannot belong to a write still running (docqa writes index files and documents, seconds
   * each), so each open sweeps them.
   */
  private void deleteAbandonedTemporaryFiles() {
    Instant cutoff = Instant.now().minus(ABANDONED_AFTER);
    try (Stream<Path> files = Files.list(tmpDir)) {
      for (Path file : files.toList()) {
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(file);
          }
        } catch (NoSuchFileException e) {
          // another process swept it first
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot sweep abandoned temporary files in " + tmpDir, e);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    Path file = resolve(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(key, attributes.size(), etag(file, attributes), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot stat " + key + " in " + describe(), e);
    }
  }

  @Override
  public InputStream open(String key) {
    Path file = resolve(key);
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key, describe());
    } catch (IOException e) {
      throw new StorageException("cannot open " + key + " in " + describe(), e);
    }
  }

  @Override
  public void download(String key, Path target) {
    Path file = resolve(key);
    Path tmp = tempBeside(target);
    try {
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      moveAtomically(tmp, target);
    } catch (NoSuchFileException e) {
      deleteQuietly(tmp, e);
      throw new NoSuchObjectException(key, describe());
    } catch (IOException e) {
      deleteQuietly(tmp, e);
      throw new StorageException("cannot download " + key + " from " + describe() + " to " + target, e);
    }
  }

  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    Path file = resolve(key);
    Path tmp = newTempFile();
    try {
      Files.write(tmp, content);
      String etag = ETags.of(content);
      withWriteLock(() -> {
        checkCondition(key, file, condition);
        Files.createDirectories(file.getParent());
        moveAtomically(tmp, file);
      });
      return etag;
    } catch (IOException e) {
      throw new StorageException("cannot write " + key + " in " + describe(), e);
    } finally {
      deleteQuietly(tmp, null);
    }
  }

  @Override
  public String upload(Path source, String key) {
    Path file = resolve(key);
    Path tmp = newTempFile();
    try {
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      String etag = ETags.of(tmp);
      withWriteLock(() -> {
        Files.createDirectories(file.getParent());
        moveAtomically(tmp, file);
      });
      return etag;
    } catch (IOException e) {
      throw new StorageException("cannot upload " + source + " to " + key + " in " + describe(), e);
    } finally {
      deleteQuietly(tmp, null);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    // Walk only the deepest folder the prefix names.
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<ObjectInfo> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String key = keyOf(file);
        if (key.startsWith(prefix) && !key.startsWith(INTERNAL_PREFIX) && Files.isRegularFile(file)
            && isInsideRealRoot(file)) {
          head(key).ifPresent(found::add);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot list " + prefix + " in " + describe(), e);
    }
    found.sort(Comparator.comparing(ObjectInfo::key));
    return List.copyOf(found);
  }

  @Override
  public void delete(String key) {
    Path file = resolve(key);
    try {
      withWriteLock(() -> Files.deleteIfExists(file));
    } catch (IOException e) {
      throw new StorageException("cannot delete " + key + " in " + describe(), e);
    }
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "LocalObjectStore[" + root + "]";
  }

  private String etag(Path file, BasicFileAttributes attributes) throws IOException {
    HashedFile cached = etagCache.get(file);
    if (cached != null && cached.matches(attributes)) {
      return cached.etag();
    }
    String etag = ETags.of(file);
    etagCache.put(file, new HashedFile(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis(), etag));
    return etag;
  }

  private record HashedFile(Object fileKey, long size, long modifiedMillis, String etag) {
    boolean matches(BasicFileAttributes attributes) {
      return fileKey != null
          && fileKey.equals(attributes.fileKey())
          && size == attributes.size()
          && modifiedMillis == attributes.lastModifiedTime().toMillis();
    }
  }

  private Path resolve(String key) {
    ObjectKeys.check(key);
    if (key.startsWith(INTERNAL_PREFIX)) {
      throw new InvalidInputException(
          "object key must not start with " + INTERNAL_PREFIX + " (reserved); key=" + key);
    }
    Path file = root.resolve(key).normalize();
    if (!file.startsWith(root)) {
      throw new InvalidInputException("object key escapes the store root; key=" + key);
    }
    if (!isInsideRealRoot(file)) {
      throw new InvalidInputException("object key leads out of the store root through a symbolic link; key=" + key);
    }
    return file;
  }

  /**
   * Whether the file, or its nearest existing ancestor, really lies under the root once symbolic links are followed:
   * a link planted in the folder must not let a key read or write outside it. A link that cannot be resolved (dangling,
   * a loop) counts as outside.
   */
  private boolean isInsideRealRoot(Path file) {
    Path existing = file;
    while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    try {
      return existing.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }

  private String keyOf(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private void checkCondition(String key, Path file, PutCondition condition) throws IOException {
    switch (condition) {
      case PutCondition.Always always -> {}
      case PutCondition.IfAbsent ifAbsent -> {
        if (Files.exists(file)) {
          throw new PreconditionFailedException(
              "put-if-absent lost: " + key + " already exists in " + describe(),
              new FileAlreadyExistsException(file.toString()));
        }
      }
      case PutCondition.IfMatch ifMatch -> {
        if (!Files.isRegularFile(file)) {
          throw new PreconditionFailedException(
              "put-if-match lost: " + key + " does not exist in " + describe(), new NoSuchFileException(file.toString()));
        }
        String current = ETags.of(file);
        if (!current.equals(ETags.normalize(ifMatch.etag()))) {
          throw new PreconditionFailedException(
              "put-if-match lost: " + key + " has ETag " + current + ", expected " + ifMatch.etag(), null);
        }
      }
    }
  }

  /** Runs {@code action} holding this folder's write lock, first in this JVM, then across processes. */
  private void withWriteLock(IoAction action) throws IOException {
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, path -> new ReentrantLock());
    jvmLock.lock();
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock processLock = channel.lock()) {
      action.run();
    } finally {
      jvmLock.unlock();
    }
  }

  private Path newTempFile() {
    try {
      return Files.createTempFile(tmpDir, "put-", ".tmp");
    } catch (IOException e) {
      throw new StorageException("cannot create a temporary file in " + tmpDir, e);
    }
  }

  private static Path tempBeside(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      return Files.createTempFile(parent, "." + target.getFileName(), ".part");
    } catch (IOException e) {
      throw new StorageException("cannot create a temporary file beside " + target, e);
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot move " + from + " to " + to + " atomically", e);
    }
  }

  private static void deleteQuietly(Path file, Exception primary) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      if (primary != null) {
        primary.addSuppressed(e);
      } else {
        throw new StorageException("cannot delete temporary file " + file, e);
      }
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
