package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.storage.FaultyObjectStore;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing and replicating a Lucene index, run against every store (local folder and S3). */
abstract class IndexReplicationContractTest {

  static final String PREFIX = "index/";
  static final Duration GRACE = Duration.ofHours(1);

  @TempDir Path tmp;
  ObjectStore store;
  final MutableClock clock = new MutableClock();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private int dirs;

  protected abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    store.close();
  }

  @Test
  void publishedChangesReachReplicas() throws IOException {
    IndexPublisher publisher = publisher(store);
    IndexPublisher.Update<String> first = publisher.update(add("a", "b"));
    assertTrue(first.published());
    assertEquals(1, first.generation());
    IndexReplica replica = replica(store, Duration.ZERO);
    try (IndexSnapshot snapshot = replica.acquire()) {
      assertEquals(1, snapshot.generation());
      assertEquals(Set.of("a", "b"), ids(snapshot.reader()));
    }
    assertEquals(2, publisher.update(writer -> writer.deleteDocuments(new Term("id", "a"))).generation());
    try (IndexSnapshot snapshot = replica.acquire()) {
      assertEquals(2, snapshot.generation());
      assertEquals(Set.of("b"), ids(snapshot.reader()));
    }
  }

  @Test
  void anEmptyStoreIsAnEmptyIndexAndNoOpChangesPublishNothing() {
    IndexReplica replica = replica(store, Duration.ZERO);
    try (IndexSnapshot snapshot = replica.acquire()) {
      assertEquals(0, snapshot.generation());
      assertTrue(snapshot.isEmpty());
    }
    IndexPublisher publisher = publisher(store);
    IndexPublisher.Update<Integer> noop = publisher.update(writer -> 7);
    assertEquals(new IndexPublisher.Update<>(7, 0L, false, 1), noop);
    publisher.update(add("a"));
    assertFalse(publisher.update(writer -> 0).published());
    assertEquals(1, store.list(PREFIX + "manifests/").size());
  }

  @Test
  void concurrentWritersLoseAndDuplicateNothing() throws Exception {
    int writers = 4;
    int docsPerWriter = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> attempts = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        IndexPublisher publisher = publisher(store);
        int writer = w;
        attempts.add(
            pool.submit(
                () -> {
                  start.await();
                  int total = 0;
                  for (int d = 0; d < docsPerWriter; d++) {
                    total += publisher.update(add("w" + writer + "-d" + d)).attempts();
                  }
                  return total;
                }));
      }
      start.countDown();
      int totalAttempts = 0;
      for (Future<Integer> result : attempts) {
        totalAttempts += result.get();
      }
      assertTrue(totalAttempts >= writers * docsPerWriter, "attempts=" + totalAttempts);
    } finally {
      pool.shutdownNow();
    }
    Set<String> expected = new HashSet<>();
    for (int w = 0; w < writers; w++) {
      for (int d = 0; d < docsPerWriter; d++) {
        expected.add("w" + w + "-d" + d);
      }
    }
    try (IndexSnapshot snapshot = replica(store, Duration.ZERO).acquire()) {
      assertEquals(writers * docsPerWriter, snapshot.generation());
      assertEquals(writers * docsPerWriter, snapshot.reader().numDocs(), "no document duplicated");
      assertEquals(expected, ids(snapshot.reader()), "no document lost");
    }
  }

  @Test
  void aPublishKilledBeforeTheManifestLeavesThePreviousIndexAndTheNextIngestionCompletes() {
    publisher(store).update(add("first"));
    IndexReplica replica = replica(store, Duration.ZERO);
    assertEquals(Set.of("first"), idsOf(replica));

    FaultyObjectStore crashing = new FaultyObjectStore(store);
    crashing.failPutsOf(key -> key.startsWith(PREFIX + "manifests/"));
    IndexPublisher doomed = publisher(crashing);
    StorageException crash = assertThrows(StorageException.class, () -> doomed.update(add("lost")));
    assertTrue(crash.getMessage().contains("injected"), crash.getMessage());
    assertTrue(store.list(PREFIX + "files/").size() > replicaFileCount(1), "the new files were uploaded");

    assertEquals(Set.of("first"), idsOf(replica));
    assertEquals(Set.of("first"), idsOf(replica(store, Duration.ZERO)));

    crashing.heal();
    IndexPublisher.Update<String> next = doomed.update(add("second"));
    assertEquals(2, next.generation());
    assertEquals(Set.of("first", "second"), idsOf(replica));
  }

  @Test
  void readersCheckForNewCommitsAtMostEveryMaxStaleness() {
    IndexPublisher publisher = publisher(store);
    publisher.update(add("a"));
    IndexReplica replica = replica(store, Duration.ofSeconds(10));
    assertEquals(Set.of("a"), idsOf(replica));
    publisher.update(add("b"));
    clock.advance(Duration.ofSeconds(9));
    assertEquals(Set.of("a"), idsOf(replica), "within the staleness bound the replica does not look");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Set.of("a", "b"), idsOf(replica));
    assertEquals(2, replica.generation());
  }

  @Test
  void unreferencedFilesOutliveTheGracePeriodOnly() throws Exception {
    IndexPublisher publisher = publisher(store);
    publisher.update(add("old"));
    IndexReplica slowReader = replica(store, Duration.ZERO);
    try (IndexSnapshot held = slowReader.acquire()) {
      publisher.update(
          writer -> {
            writer.deleteAll();
            writer.addDocument(doc("new"));
            return null;
          });
      List<String> gen1Files = keysOfManifest(1);
      List<String> gen2Files = keysOfManifest(2);
      assertTrue(Collections.disjoint(gen1Files, gen2Files), "deleteAll drops every old segment");
      assertTrue(keys(PREFIX + "files/").containsAll(gen1Files), "superseded files are kept during the grace period");
      assertEquals(Set.of("old"), ids(held.reader()));

      clock.advance(GRACE.plusMinutes(1));
      assertEquals(gen1Files.size(), publisher.collectGarbage());
      assertEquals(Set.copyOf(gen2Files), Set.copyOf(keys(PREFIX + "files/")));
      assertEquals(1, store.list(PREFIX + "manifests/").size());
      assertEquals(Set.of("old"), ids(held.reader()), "an open snapshot keeps its local files");
    }
    assertEquals(Set.of("new"), idsOf(slowReader));
    assertEquals(Set.of("new"), idsOf(replica(store, Duration.ZERO)));
  }

  @Test
  void aFailedDownloadIsNeverServed() throws Exception {
    FaultyObjectStore flaky = new FaultyObjectStore(store);
    IndexPublisher publisher = publisher(store);
    publisher.update(add("a"));
    assertThrows(
        DocqaException.class,
        () -> {
          flaky.failDownloadsOf(key -> key.endsWith(".si"));
          replica(flaky, Duration.ZERO).acquire().close();
        },
        "nothing to serve yet, so the failure surfaces");
    flaky.heal();
    IndexReplica replica = replica(flaky, Duration.ZERO);
    assertEquals(Set.of("a"), idsOf(replica));

    publisher.update(add("b"));
    flaky.failDownloadsOf(key -> key.endsWith(".si"));
    assertEquals(Set.of("a"), idsOf(replica), "keeps serving the complete older commit");
    assertEquals(1, replica.generation());
    assertEquals(1, replica.failedChecks());
    flaky.heal();
    assertEquals(Set.of("a"), idsOf(replica), "the store is not asked again before the backoff has passed");
    clock.advance(IndexReplica.Outage.DEFAULT.firstBackoff());
    assertEquals(Set.of("a", "b"), idsOf(replica), "the next check after the backoff catches up");
    assertEquals(0, replica.failedChecks());
  }

  @Test
  void aSnapshotOutlivesItsReplacementAndItsFilesGoWithIt() throws Exception {
    IndexPublisher publisher = publisher(store);
    publisher.update(add("a"));
    Path local = newDir();
    IndexReplica replica = new IndexReplica(store, PREFIX, local, Duration.ZERO, clock);
    toClose.add(replica);
    IndexSnapshot old = replica.acquire();
    publisher.update(add("b"));
    try (IndexSnapshot fresh = replica.acquire()) {
      assertEquals(2, fresh.generation());
      assertEquals(Set.of("a"), ids(old.reader()));
      assertEquals(2, commitDirs(local));
    }
    old.close();
    replica.refresh();
    assertEquals(1, commitDirs(local));
  }

  // --- helpers

  IndexPublisher publisher(ObjectStore target) {
    IndexPublisher publisher =
        new IndexPublisher(
            target, PREFIX, newDir(), () -> new IndexWriterConfig(new StandardAnalyzer()), GRACE, clock);
    toClose.add(publisher);
    return publisher;
  }

  IndexReplica replica(ObjectStore source, Duration maxStaleness) {
    IndexReplica replica = new IndexReplica(source, PREFIX, newDir(), maxStaleness, clock);
    toClose.add(replica);
    return replica;
  }

  private Path newDir() {
    return tmp.resolve("local-" + ++dirs);
  }

  static IndexChange<String> add(String... ids) {
    return writer -> {
      for (String id : ids) {
        writer.updateDocument(new Term("id", id), doc(id));
      }
      return String.join(",", ids);
    };
  }

  static Document doc(String id) {
    Document doc = new Document();
    doc.add(new StringField("id", id, Field.Store.YES));
    doc.add(new TextField("body", "text of " + id, Field.Store.NO));
    return doc;
  }

  static Set<String> ids(IndexReader reader) throws IOException {
    Set<String> ids = new HashSet<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      StoredFields fields = leaf.reader().storedFields();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        if (live == null || live.get(doc)) {
          ids.add(fields.document(doc).get("id"));
        }
      }
    }
    return ids;
  }

  static Set<String> idsOf(IndexReplica replica) {
    try (IndexSnapshot snapshot = replica.acquire()) {
      return ids(snapshot.reader());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private List<String> keys(String prefix) {
    return store.list(prefix).stream().map(ObjectInfo::key).toList();
  }

  private List<String> keysOfManifest(long generation) {
    IndexStorage storage = new IndexStorage(store, PREFIX);
    return storage.read(generation).orElseThrow().files().stream().map(Manifest.IndexFile::key).toList();
  }

  private int replicaFileCount(long generation) {
    return keysOfManifest(generation).size();
  }

  private static long commitDirs(Path local) throws IOException {
    try (Stream<Path> dirs = Files.list(local.resolve("commits"))) {
      return dirs.count();
    }
  }
}
