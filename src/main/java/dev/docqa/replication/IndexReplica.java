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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * into place and only then opens and switches to it: a half-downloaded commit is never served. Superseded commits stay
 * open until their last {@link IndexSnapshot} is closed, then their directories are deleted.
 *
 * <p>Outages: once a commit is open, the check runs on the replica's own thread. The acquiring thread that made it
 * due waits for it at most {@link Outage#askWait()} (the store's own timeouts are minutes); other threads do not wait.
 * After a failed check the current commit is served and the store is asked again only after a growing pause
 * ({@link Outage#firstBackoff()}, doubling, at most {@link Outage#maxBackoff()}). A check that hangs keeps running in
 * the background while acquires serve the current commit; when the store is back the replica catches up at its next
 * check, at most {@code maxBackoff + maxStaleness} later. {@link #refresh()} (after a writer's own commit) still waits.
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
  private final Outage outage;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final List<Commit> retired = new ArrayList<>();
  private final ExecutorService checker;
  private volatile Commit current;
  /** When the store is due to be asked again: last check + maxStaleness, or + backoff after failures. */
  private volatile Instant nextCheck;
  /** Checks failed in a row since the last one that succeeded. */
  private volatile int failures;
  /** The background check in flight, if any (guarded by {@code this}). */
  private Future<?> inFlight;

  /**
   * How the replica rides out a store that fails or hangs.
   *
   * @param askWait how long {@link #acquire()} waits for a due check while the store has been answering
   * @param firstBackoff the pause after the first failed check
   * @param maxBackoff the longest pause between checks while they keep failing
   */
  public record Outage(Duration askWait, Duration firstBackoff, Duration maxBackoff) {

    /** Wait 2 s for a check; after failures ask again after 1 s, 2 s, 4 s, ... at most 30 s. */
    public static final Outage DEFAULT = new Outage(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(30));

    public Outage {
      if (askWait.isNegative() || firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
        throw new IllegalArgumentException("askWait and firstBackoff must be >= 0 and maxBackoff >= firstBackoff; "
            + "askWait=" + askWait + ", firstBackoff=" + firstBackoff + ", maxBackoff=" + maxBackoff);
      }
    }

    /** The pause after {@code failures} (>= 1) failed checks in a row. */
    public Duration backoff(int failures) {
      Duration pause = firstBackoff;
      for (int i = 1; i < failures && pause.compareTo(maxBackoff) < 0; i++) {
        pause = pause.multipliedBy(2);
      }
      return pause.compareTo(maxBackoff) > 0 ? maxBackoff : pause;
    }
  }

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
    this(store, prefix, localDir, maxStaleness, clock, Outage.DEFAULT);
  }

  /** As {@link #IndexReplica(ObjectStore, String, Path, Duration, Clock)}, riding out outages as {@code outage} says. */
  public IndexReplica(
      ObjectStore store, String prefix, Path localDir, Duration maxStaleness, Clock clock, Outage outage) {
    if (maxStaleness.isNegative()) {
      throw new IllegalArgumentException("maxStaleness must be >= 0; maxStaleness=" + maxStaleness);
    }
    this.storage = new IndexStorage(store, prefix);
    this.owned = OwnedDirectory.claim(localDir);
    this.localDir = owned.path();
    this.maxStaleness = maxStaleness;
    this.clock = clock;
    this.outage = outage;
    this.checker = Executors.newSingleThreadExecutor(
        Thread.ofPlatform().daemon().name("docqa-replica-check-", 0).factory());
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
   * A lease on the newest commit known. When a check is due (the last one succeeded more than {@code maxStaleness}
   * ago, or the backoff after failed ones has passed), it is started and awaited for at most {@link Outage#askWait()};
   * the first acquire, with no commit open yet, waits for it whatever it takes.
   *
   * @throws DocqaException when no commit is open yet and the newest one cannot be fetched
   */
  public IndexSnapshot acquire() {
    if (current == null) {
      refresh(true);
    } else {
      Instant due = nextCheck;
      if (due == null || !clock.instant().isBefore(due)) {
        checkInBackground();
      }
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

  /**
   * Starts the due check on the replica's thread and waits for it up to {@link Outage#askWait()}; when a check is in
   * flight already (a slow or hanging store), the current commit is served at once.
   */
  private void checkInBackground() {
    Future<?> check;
    boolean started = false;
    synchronized (this) {
      if (inFlight == null || inFlight.isDone()) {
        try {
          inFlight = checker.submit(() -> refresh(false));
          started = true;
        } catch (RejectedExecutionException e) {
          return; // closing
        }
      }
      check = inFlight;
    }
    if (!started) {
      return; // an earlier check is still running (the store is slow or hanging): serve what we have
    }
    try {
      check.get(outage.askWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.log(Level.WARNING, "the index check of " + storage.describe() + " takes longer than " + outage.askWait()
          + "; serving generation " + generation() + " meanwhile");
    } catch (ExecutionException e) {
      // refresh(false) logs its own failures; anything else is a bug worth seeing, but the commit can still be served.
      LOG.log(Level.WARNING, "the index check of " + storage.describe() + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Checks that failed in a row since the last successful one (0 while the store answers). */
  public int failedChecks() {
    return failures;
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
    checker.shutdownNow(); // a hanging check is interrupted; its store call gives up on its own timeouts
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
        if (failures > 0) {
          LOG.log(Level.INFO, "the index store " + storage.describe() + " answers again after " + failures
              + " failed checks; serving generation " + generation());
        }
        failures = 0;
        nextCheck = startedAt.plus(maxStaleness);
      } catch (IOException | RuntimeException e) {
        if (current == null) {
          throw new DocqaException("cannot open the index published in " + storage.describe(), e);
        }
        int failed = ++failures;
        Duration pause = outage.backoff(failed);
        nextCheck = clock.instant().plus(pause);
        LOG.log(
            Level.WARNING,
            "cannot refresh the index from " + storage.describe() + " (" + failed + " failed checks in a row); "
                + "serving generation " + current.generation() + ", next check in " + pause,
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
