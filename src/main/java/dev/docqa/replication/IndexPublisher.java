package dev.docqa.replication;

import dev.docqa.DocqaException;
import dev.docqa.config.StorageSettings;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * Applies changes to an index published in an {@link ObjectStore}, safely against concurrent writers in other
 * processes.
 *
 * <p>One {@link #update} is: take the newest manifest; assemble its commit in a fresh local directory; apply the change
 * and commit with Lucene; upload the files the commit added (Lucene files are write-once) under keys unique to this
 * attempt; then publish manifest {@code generation + 1} with put-if-absent. If another writer published that
 * generation first, the attempt is thrown away and the change is applied again on the newer commit. So every change
 * lands exactly once, in some order, and a crash at any point leaves the newest published manifest, whose files are
 * all uploaded before it is written, readable.
 *
 * <p>Files no longer referenced are deleted by {@link #collectGarbage()} (run after each publish) only once they have
 * been unreferenced, or unpublished, for longer than the grace period, so readers still fetching an older commit and
 * writers between upload and publish never lose files.
 *
 * <p>Thread-safe: updates through one publisher run one at a time; use several publishers or processes to write
 * concurrently. Publishers given the same work directory (two CLI runs on one data folder) never share it: the first
 * holds it, the others work in private siblings. Close once, to release the work directory.
 */
public final class IndexPublisher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(IndexPublisher.class.getName());
  private static final int MAX_ATTEMPTS = 100;

  private final IndexStorage storage;
  private final OwnedDirectory owned;
  private final Path workDir;
  private final Supplier<IndexWriterConfig> writerConfig;
  private final Duration gcGrace;
  private final Clock clock;
  private final LocalFileCache cache;
  private final Map<Long, Manifest> manifestCache = new ConcurrentHashMap<>();

  /**
   * What an update did.
   *
   * @param value what the change returned (from the attempt that was published)
   * @param generation the manifest generation the change is part of (unchanged when nothing changed)
   * @param published whether a new generation was published (false when the change changed nothing)
   * @param attempts how often the change ran (more than once after losing races)
   */
  public record Update<T>(T value, long generation, boolean published, int attempts) {}

  /**
   * @param store where the index is published
   * @param prefix key prefix of the index in the store, ending with {@code /} (e.g. {@code index/})
   * @param workDir a local directory for assembling commits and caching index files; while another publisher (in any
   *     process) holds it, this one works in a private sibling instead
   * @param writerConfig a fresh Lucene writer configuration per attempt (analyzer, codec); its open mode is overridden
   * @param gcGrace how long unreferenced files are kept
   * @param clock the time GC compares store timestamps with
   */
  public IndexPublisher(
      ObjectStore store,
      String prefix,
      Path workDir,
      Supplier<IndexWriterConfig> writerConfig,
      Duration gcGrace,
      Clock clock) {
    if (gcGrace.isNegative() || gcGrace.isZero()) {
      // Zero would let a concurrent writer's GC delete files uploaded for a manifest not written yet.
      throw new IllegalArgumentException("gcGrace must be positive; gcGrace=" + gcGrace);
    }
    this.storage = new IndexStorage(store, prefix);
    this.owned = OwnedDirectory.claim(workDir);
    this.workDir = owned.path();
    this.writerConfig = writerConfig;
    this.gcGrace = gcGrace;
    this.clock = clock;
    // Held exclusively now, so attempts a killed process left behind can go.
    LocalFileCache.deleteRecursively(this.workDir.resolve("attempts"));
    this.cache = new LocalFileCache(store, this.workDir.resolve("files"));
  }

  /**
   * A publisher for the index that {@code settings} configure: {@code indexPrefix} in {@code store}, working files in
   * {@code cacheDir/index-writer}, the configured GC grace period, the system clock.
   */
  public static IndexPublisher open(
      ObjectStore store, StorageSettings settings, Supplier<IndexWriterConfig> writerConfig) {
    return new IndexPublisher(
        store,
        settings.indexPrefix(),
        settings.cacheDir().resolve("index-writer"),
        writerConfig,
        settings.gcGrace(),
        Clock.systemUTC());
  }

  /**
   * Applies {@code change} to the newest published index and publishes the result, retrying on newer commits when
   * other writers win.
   *
   * @throws DocqaException when the store fails, the change fails (its own exceptions pass through unchanged), or
   *     other writers won {@value #MAX_ATTEMPTS} times in a row
   */
  public synchronized <T> Update<T> update(IndexChange<T> change) {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Instant startedAt = clock.instant();
      Optional<Manifest> base = storage.latest();
      String attemptId = UUID.randomUUID().toString();
      Path dir = workDir.resolve("attempts").resolve(attemptId);
      try {
        if (base.isPresent()) {
          cache.materialize(base.get(), dir);
        } else {
          Files.createDirectories(dir);
        }
        T value;
        boolean changed;
        try (Directory directory = FSDirectory.open(dir);
            IndexWriter writer = new IndexWriter(directory, configure(base.isPresent()))) {
          value = change.apply(writer);
          // A brand-new writer has "changes" (creating the index) even when the change added nothing; an index with
          // no documents is still published when the change recorded commit data (a delete's tombstone, which must
          // hold back an older event of that document still in flight).
          changed = writer.hasUncommittedChanges()
              && (base.isPresent() || writer.getDocStats().maxDoc > 0 || hasCommitData(writer));
          if (changed) {
            writer.commit();
          }
        }
        long baseGeneration = base.map(Manifest::generation).orElse(0L);
        if (!changed) {
          return new Update<>(value, baseGeneration, false, attempt);
        }
        Manifest next = uploadCommit(dir, base, baseGeneration + 1, attemptId);
        Duration elapsed = Duration.between(startedAt, clock.instant());
        if (elapsed.compareTo(gcGrace.dividedBy(2)) > 0) {
          // Another writer's GC may already treat our uploads as orphans: publishing could name deleted files.
          newFiles(next, base).forEach(file -> storage.store.delete(file.key()));
          throw new DocqaException("index update took " + elapsed + ", over half the GC grace period " + gcGrace
              + "; raise the grace period so uploads cannot be collected before their manifest is written");
        }
        if (storage.manifests.tryWrite(next.generation(), next.toJson())) {
          manifestCache.put(next.generation(), next);
          for (Manifest.IndexFile file : newFiles(next, base)) {
            cache.add(file.key(), dir.resolve(file.name()));
          }
          collectGarbageAfterPublish();
          return new Update<>(value, next.generation(), true, attempt);
        }
        // Lost the race: our uploads were never referenced.
        newFiles(next, base).forEach(file -> storage.store.delete(file.key()));
      } catch (IOException e) {
        throw new DocqaException("cannot update the index in " + storage.describe(), e);
      } finally {
        LocalFileCache.deleteRecursively(dir);
      }
      backOff(attempt);
    }
    throw new DocqaException(
        "gave up publishing to " + storage.describe() + ": other writers won " + MAX_ATTEMPTS + " times in a row");
  }

  /**
   * Deletes manifests superseded, and files unreferenced (or never published), for longer than the grace period.
   *
   * @return the number of file objects deleted
   */
  public synchronized int collectGarbage() {
    Instant now = clock.instant();
    List<Long> kept = storage.manifests.prune(now, gcGrace);
    manifestCache.keySet().retainAll(kept);
    Set<String> referenced = new HashSet<>();
    for (long generation : kept) {
      Optional<Manifest> manifest =
          Optional.ofNullable(manifestCache.get(generation)).or(() -> storage.read(generation));
      if (manifest.isEmpty()) {
        return 0; // pruned by another writer meanwhile: its own GC covers it, and ours would see a partial set
      }
      manifestCache.put(generation, manifest.get());
      manifest.get().files().forEach(file -> referenced.add(file.key()));
    }
    int deleted = 0;
    for (ObjectInfo object : storage.store.list(storage.filesPrefix())) {
      boolean old = !object.lastModified().plus(gcGrace).isAfter(now);
      if (old && !referenced.contains(object.key())) {
        storage.store.delete(object.key());
        deleted++;
      }
    }
    try {
      cache.retainOnly(referenced);
    } catch (IOException e) {
      throw new DocqaException("cannot prune the local index file cache in " + workDir, e);
    }
    return deleted;
  }

  @Override
  public void close() {
    try (owned) {
      LocalFileCache.deleteRecursively(workDir.resolve("attempts"));
    }
  }

  private IndexWriterConfig configure(boolean hasBase) {
    return writerConfig
        .get()
        .setOpenMode(hasBase ? IndexWriterConfig.OpenMode.APPEND : IndexWriterConfig.OpenMode.CREATE)
        .setCommitOnClose(false);
  }

  /** Uploads the files of the local commit in {@code dir} that {@code base} does not have; returns the manifest. */
  private Manifest uploadCommit(Path dir, Optional<Manifest> base, long generation, String attemptId)
      throws IOException {
    Map<String, Manifest.IndexFile> baseFiles = base.map(Manifest::filesByName).orElse(Map.of());
    List<Manifest.IndexFile> files = new ArrayList<>();
    String segmentsFile;
    try (Directory directory = FSDirectory.open(dir)) {
      SegmentInfos commit = SegmentInfos.readLatestCommit(directory);
      segmentsFile = commit.getSegmentsFileName();
      for (String name : commit.files(true)) {
        Manifest.IndexFile existing = baseFiles.get(name);
        if (existing != null) {
          files.add(existing);
          continue;
        }
        long checksum;
        try (IndexInput input = directory.openInput(name, IOContext.READONCE)) {
          checksum = CodecUtil.retrieveChecksum(input);
        }
        String key = storage.fileKey(attemptId, name);
        storage.store.upload(dir.resolve(name), key);
        files.add(new Manifest.IndexFile(name, key, Files.size(dir.resolve(name)), checksum));
      }
    }
    return new Manifest(generation, attemptId, segmentsFile, files);
  }

  private static boolean hasCommitData(IndexWriter writer) {
    Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
    return data != null && data.iterator().hasNext();
  }

  private static List<Manifest.IndexFile> newFiles(Manifest next, Optional<Manifest> base) {
    Set<String> baseKeys = new HashSet<>();
    base.ifPresent(m -> m.files().forEach(f -> baseKeys.add(f.key())));
    return next.files().stream().filter(f -> !baseKeys.contains(f.key())).toList();
  }

  private void collectGarbageAfterPublish() {
    try {
      collectGarbage();
    } catch (RuntimeException e) {
      // The update is published; garbage waits for the next run.
      LOG.log(Level.WARNING, "index garbage collection in " + storage.describe() + " failed; will retry", e);
    }
  }

  private static void backOff(int attempt) {
    long maxMillis = Math.min(1000, 10L << Math.min(attempt, 6));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while retrying an index update", e);
    }
  }
}
