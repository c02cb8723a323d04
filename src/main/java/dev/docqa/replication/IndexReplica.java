package dev.docqa.replication;

import dev.docqa.DocqaException;
import dev.docqa.config.StorageSettings;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A local, read-only copy of the index published in an {@link ObjectStore}, at most {@code maxStaleness} behind.
 *
 * <p>{@link #acquire()} checks the newest manifest when the last check is older than {@code maxStaleness} (one LIST and
 * one GET), downloads only the files it does not have into a fresh directory, verifies them, renames the directory
 * into place and only then opens and switches to it: a half-downloaded commit is never served. When a refresh fails
 * and an older commit is open, that commit keeps being served (the failure is logged and the next acquire retries).
 * Superseded commits stay open until their last {@link IndexSnapshot} is closed, then their directories are deleted.
 *
 * <p>Thread-safe; one refresh runs at a time while other threads keep acquiring the current commit. Close it once,
 * after the snapshots it handed out.
 */
public final class IndexReplica implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(IndexReplica.class.getName());

  private final IndexStorage storage;
  private final OwnedDirectory owned;
  private final Path localDir;
  private final Duration maxStaleness;
  private final Clock clock;
  private final LocalFileCache cache;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final List<Commit> retired = new ArrayList<>();
  private volatile Commit current;
  private volatile Instant lastCheck;

  /** An open commit; {@code dir} is null for the empty index, {@code fileKeys} the object keys of its files. */
  private record Commit(long generation, IndexReader reader, Path dir, Set<String> fileKeys) {}

  /**
   * @param store where the index is published
   * @param prefix the index's key prefix in the store, as given to the {@link IndexPublisher}
   * @param localDir a local directory for the replica's files; its previous commits are discarded. While another
   *     replica (in any process) holds it, this one works in a private sibling instead
   * @param maxStaleness how long a checked commit is served before the store is asked again
   * @param clock time source for the staleness bound
   */
  public IndexReplica(ObjectStore store, String prefix, Path localDir, Duration maxStaleness, Clock clock) {
    if (maxStaleness.isNegative()) {
      throw new IllegalArgumentException("maxStaleness must be >= 0; maxStaleness=" + maxStaleness);
    }
    this.storage = new IndexStorage(store, prefix);
    this.owned = OwnedDirectory.claim(localDir);
    this.localDir = owned.path();
    this.maxStaleness = maxStaleness;
    this.clock = clock;
    LocalFileCache.deleteRecursively(this.localDir.resolve("commits"));
    this.cache = new LocalFileCache(store, this.localDir.resolve("files"));
  }

  /**
   * A replica of the index that {@code settings} configure: {@code indexPrefix} in {@code store}, local copy in
   * {@code cacheDir/index-replica}, the configured staleness bound, the system clock.
   */
  public static IndexReplica open(ObjectStore store, StorageSettings settings) {
    return new IndexReplica(
        store,
        settings.indexPrefix(),
        settings.cacheDir().resolve("index-replica"),
        settings.maxStaleness(),
        Clock.systemUTC());
  }

  /**
   * A lease on the newest commit known, refreshed first when the last check is older than {@code maxStaleness}.
   *
   * @throws DocqaException when no commit is open yet and the newest one cannot be fetched
   */
  public IndexSnapshot acquire() {
    Instant checked = lastCheck;
    if (checked == null || !clock.instant().isBefore(checked.plus(maxStaleness))) {
      refresh(checked == null);
    }
    while (true) {
      Commit commit = current;
      if (commit == null) {
        throw new DocqaException("index replica of " + storage.describe() + " is closed or never opened");
      }
      if (commit.reader().tryIncRef()) {
        return new IndexSnapshot(commit.generation(), commit.reader());
      }
      // Swapped and released meanwhile: take the newer one.
    }
  }

  /** The generation currently served (0: empty). */
  public long generation() {
    Commit commit = current;
    return commit == null ? 0 : commit.generation();
  }

  /** Checks the store now, whatever the staleness bound says. */
  public void refresh() {
    refresh(current == null);
  }

  @Override
  public void close() {
    refreshLock.lock();
    try {
      Commit commit = current;
      current = null;
      if (commit != null) {
        retire(commit);
      }
      deleteReleased();
    } finally {
      refreshLock.unlock();
      owned.close();
    }
  }

  private void refresh(boolean mustSucceed) {
    if (!mustSucceed) {
      if (!refreshLock.tryLock()) {
        return; // another thread is refreshing; serve the current commit meanwhile
      }
    } else {
      refreshLock.lock();
    }
    try {
      Instant startedAt = clock.instant();
      try {
        Optional<Manifest> newest = storage.latest();
        long known = current == null ? -1 : current.generation();
        long generation = newest.map(Manifest::generation).orElse(0L);
        if (generation > known) {
          swapTo(open(newest));
        }
        lastCheck = startedAt;
      } catch (IOException | RuntimeException e) {
        if (current == null) {
          throw new DocqaException("cannot open the index published in " + storage.describe(), e);
        }
        LOG.log(
            Level.WARNING,
            "cannot refresh the index from " + storage.describe() + "; serving generation " + current.generation(),
            e);
      }
      deleteReleased();
    } finally {
      refreshLock.unlock();
    }
  }

  private Commit open(Optional<Manifest> manifest) throws IOException {
    if (manifest.isEmpty()) {
      return new Commit(0, new MultiReader(), null, Set.of());
    }
    Manifest m = manifest.get();
    Path commits = localDir.resolve("commits");
    Path partial = commits.resolve("partial-" + UUID.randomUUID());
    Path dir = commits.resolve(String.format("%019d-%s", m.generation(), UUID.randomUUID()));
    boolean ok = false;
    try {
      cache.materialize(m, partial);
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
      Directory directory = FSDirectory.open(dir);
      DirectoryReader reader;
      try {
        reader = DirectoryReader.open(directory);
      } catch (IOException | RuntimeException e) {
        directory.close();
        throw e;
      }
      reader.getReaderCacheHelper().addClosedListener(key -> directory.close());
      ok = true;
      Set<String> keys = m.files().stream().map(Manifest.IndexFile::key).collect(Collectors.toUnmodifiableSet());
      return new Commit(m.generation(), reader, dir, keys);
    } finally {
      LocalFileCache.deleteRecursively(partial);
      if (!ok) {
        LocalFileCache.deleteRecursively(dir);
      }
    }
  }

  private void swapTo(Commit next) throws IOException {
    Commit previous = current;
    current = next;
    if (previous != null) {
      retire(previous);
    }
    // Older commits hold hard links of their own, so the cache keeps just the newest commit's files.
    cache.retainOnly(next.fileKeys());
  }

  private void retire(Commit commit) {
    retired.add(commit);
    try {
      commit.reader().decRef();
    } catch (IOException e) {
      throw new DocqaException("cannot release index generation " + commit.generation(), e);
    }
  }

  /** Deletes the directories of retired commits no snapshot holds any more. */
  private void deleteReleased() {
    retired.removeIf(
        commit -> {
          if (commit.reader().getRefCount() > 0) {
            return false;
          }
          if (commit.dir() != null) {
            LocalFileCache.deleteRecursively(commit.dir());
          }
          return true;
        });
  }
}
