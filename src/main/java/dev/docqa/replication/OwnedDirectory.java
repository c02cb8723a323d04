package dev.docqa.replication;

import dev.docqa.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A local working directory held by one owner at a time, across threads and processes: two {@code docqa ingest} runs
 * on one data folder share a cache folder, and a publisher or replica that deletes its leftovers must not delete the
 * other's files in flight.
 *
 * <p>{@link #claim} locks {@code <dir>.lock} (an OS file lock, released when its process dies, even by SIGKILL) and
 * returns {@code dir}, whose cached files then carry over to the next owner. When another owner holds it, the claim
 * gets a private sibling {@code <dir>-<uuid>} instead, deleted on {@link #close()}; private siblings left by killed
 * processes are deleted by the next claim. Not thread-safe; close once.
 */
final class OwnedDirectory implements AutoCloseable {

  private final Path path;
  private final Path lockFile;
  private final FileChannel channel;
  private final boolean isPrivate;

  private OwnedDirectory(Path path, Path lockFile, FileChannel channel, boolean isPrivate) {
    this.path = path;
    this.lockFile = lockFile;
    this.channel = channel;
    this.isPrivate = isPrivate;
  }

  /** {@code preferred} when no one else holds it, else a fresh private sibling. */
  static OwnedDirectory claim(Path preferred) {
    Path dir = preferred.toAbsolutePath().normalize();
    String name = dir.getFileName().toString();
    try {
      Files.createDirectories(dir.getParent());
      deleteAbandoned(dir.getParent(), name + "-");
      OwnedDirectory owned = tryLock(dir, false);
      // A fresh sibling's lock is free unless a concurrent sweep takes it for abandoned in the instant before ours.
      for (int attempt = 0; owned == null && attempt < 3; attempt++) {
        owned = tryLock(dir.resolveSibling(name + "-" + UUID.randomUUID()), true);
      }
      if (owned == null) {
        throw new StorageException("cannot lock a fresh private directory beside " + dir, null);
      }
      Files.createDirectories(owned.path);
      return owned;
    } catch (IOException e) {
      throw new StorageException("cannot claim local working directory " + dir, e);
    }
  }

  Path path() {
    return path;
  }

  @Override
  public void close() {
    try (channel) {
      if (isPrivate) {
        LocalFileCache.deleteRecursively(path);
        Files.deleteIfExists(lockFile);
      }
    } catch (IOException e) {
      throw new StorageException("cannot release local working directory " + path, e);
    }
  }

  /** The directory, locked; {@code null} when another owner holds the lock. */
  private static OwnedDirectory tryLock(Path dir, boolean isPrivate) throws IOException {
    Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return new OwnedDirectory(dir, lockFile, channel, isPrivate);
  }

  /** Deletes private siblings ({@code <prefix><uuid>}) whose owner is gone: their lock is free. */
  private static void deleteAbandoned(Path parent, String prefix) throws IOException {
    List<Path> locks;
    try (Stream<Path> siblings = Files.list(parent)) {
      locks = siblings
          .filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".lock"))
          .toList();
    }
    for (Path lock : locks) {
      String lockName = lock.getFileName().toString();
      Path dir = lock.resolveSibling(lockName.substring(0, lockName.length() - ".lock".length()));
      OwnedDirectory abandoned = tryLock(dir, true);
      if (abandoned != null) {
        abandoned.close();
      }
    }
  }
}
