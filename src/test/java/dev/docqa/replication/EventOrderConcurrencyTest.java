package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.StorageSettings;
import dev.docqa.events.DocumentEvent;
import dev.docqa.events.DocumentResult;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.replication.PublishedCommits.Row;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.FaultyObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Event order across ingest writers, on one S3 bucket (s3proxy, the real protocol): every writer is a service of its own
 * (its own index publisher and replica) with an {@link EventReconciler}, as concurrent ingest function instances are.
 *
 * <p>The randomized test gives every document a history of versions and deletes, and delivers each change's event
 * twice, in random order and random batches, to whichever writer is free, as SQS does. The bucket changes right after a
 * writer downloads a document (half the time): that writer then holds an old version while another writer handles the
 * newer event, the race in which an older event used to be committed after a newer one. At the end every event is
 * delivered once more, late. Afterwards the newest commit must hold each document exactly in the version of its newest
 * event, whole, or not at all when that event is a delete. The targeted test forces that race exactly once, for a
 * version and for a delete. Seeded: {@code -Ddocqa.concurrency.seed=N}.
 */
class EventOrderConcurrencyTest {

  private static final long SEED = Long.getLong("docqa.concurrency.seed", 20261202L);
  private static final String BUCKET = "event-order";
  private static final String ROOT = "docqa/";
  private static final String PREFIX = StorageSettings.DEFAULT_DOCUMENT_PREFIX;
  private static final int DOCUMENTS = 6;
  private static final int VERSIONS = 3;
  private static final int CHANGES = 4;
  private static final int DELETE = -1;
  private static final int COPIES = 2;
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path work;

  @ParameterizedTest(name = "{0} writers")
  @ValueSource(ints = {1, 4, 10})
  void everyDocumentEndsInTheVersionOfItsNewestEvent(int writers) throws Exception {
    SyntheticDocuments documents = new SyntheticDocuments(SEED, DOCUMENTS, VERSIONS);
    ReferenceVersions reference = ReferenceVersions.compute(documents, work.resolve("reference"));
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket(BUCKET);
      List<AutoCloseable> resources = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      AtomicBoolean running = new AtomicBoolean(true);
      Map<DocumentResult.Status, Integer> tally = new EnumMap<>(DocumentResult.Status.class);
      History history;
      Deliveries deliveries = new Deliveries();
      long began;
      double seconds;
      Map<String, List<Row>> afterChanges;
      Map<String, List<Row>> afterLateEvents;
      try {
        ObjectStore bucket = S3ObjectStore.open(server.connection(), BUCKET, ROOT);
        resources.add(bucket);
        history = new History(documents, bucket, new Random(SEED));
        List<EventReconciler> reconcilers = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          FaultyObjectStore store = new FaultyObjectStore(S3ObjectStore.open(server.connection(), BUCKET, ROOT));
          resources.add(store);
          // The bucket moves on right after a writer read a document, half the time: its download is now old. Then,
          // while another writer is free to take it, the reader waits until the newer event was handled: the reader's
          // commit comes after the newer one, the order in which an older event used to win.
          store.afterEachDownload(key -> history.maybeAdvance(key).ifPresent(newer -> {
            deliveries.add(newer, COPIES);
            deliveries.awaitHandledWhileAnotherWriterIsFree(newer, writers);
          }));
          DocQaService service = TestServices.open(store, work.resolve("writer-" + w), Duration.ZERO);
          resources.add(service);
          reconcilers.add(new EventReconciler(service, store, PREFIX, new EventFilter(BUCKET, ROOT + PREFIX),
              work.resolve("downloads-" + w)));
        }
        began = System.nanoTime();
        List<Future<?>> writerTasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          EventReconciler reconciler = reconcilers.get(w);
          Random random = new Random(SEED + 17L * (w + 1));
          writerTasks.add(pool.submit(() -> {
            while (running.get()) {
              List<DocumentEvent> batch = deliveries.take(random);
              if (batch.isEmpty()) {
                Thread.sleep(5);
                continue;
              }
              try {
                EventReconciler.Reconciliation result = reconciler.reconcile(batch);
                assertEquals(List.of(), result.ignored());
                for (DocumentResult document : result.documents()) {
                  synchronized (tally) {
                    tally.merge(document.status(), 1, Integer::sum);
                  }
                  if (document.status() == DocumentResult.Status.FAILED) {
                    // A download can fail when the object was deleted after its HEAD: redelivered, as SQS does.
                    deliveries.addAll(document.events());
                  }
                }
              } finally {
                deliveries.done(batch);
              }
            }
            return null;
          }));
        }
        history.start().forEach(e -> deliveries.add(e, COPIES));
        // Whenever every writer is idle, the bucket moves on by itself: each history plays to its end.
        while (true) {
          deliveries.awaitIdle();
          Optional<DocumentEvent> next = history.advanceAny();
          if (next.isEmpty()) {
            break;
          }
          deliveries.add(next.get(), COPIES);
        }
        afterChanges = newestDocuments(bucket, work.resolve("check-changes"));
        List<DocumentEvent> late = new ArrayList<>(history.produced());
        Collections.shuffle(late, new Random(SEED + 1));
        deliveries.addAll(late);
        deliveries.awaitIdle();
        seconds = (System.nanoTime() - began) / 1e9;
        afterLateEvents = newestDocuments(bucket, work.resolve("check-late"));
        running.set(false);
        for (Future<?> writer : writerTasks) {
          writer.get(1, TimeUnit.MINUTES);
        }
      } finally {
        running.set(false);
        pool.shutdownNow();
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
          resource.close();
        }
      }
      verify(writers, reference, history, afterChanges, afterLateEvents, tally, deliveries.delivered(), seconds);
    }
  }

  private static Map<String, List<Row>> newestDocuments(ObjectStore bucket, Path workDir) {
    return new PublishedCommits(bucket, "index/", workDir).newestDocuments();
  }

  /**
   * The race forced exactly: writer A reads version 0 (or the object before its delete); before A publishes, the bucket
   * moves on and writer B applies the newer event; A then loses the publish race, re-runs its change on B's commit, and
   * finds B's newer sequencer there. A's change is a no-op, reported {@code STALE}.
   */
  @Test
  void anOlderEventThatCommitsAfterANewerOneChangesNothing() throws Exception {
    SyntheticDocuments documents = new SyntheticDocuments(SEED, 2, 2);
    ReferenceVersions reference = ReferenceVersions.compute(documents, work.resolve("reference"));
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket(BUCKET);
      try (ObjectStore bucket = S3ObjectStore.open(server.connection(), BUCKET, ROOT);
          FaultyObjectStore storeA = new FaultyObjectStore(S3ObjectStore.open(server.connection(), BUCKET, ROOT));
          ObjectStore storeB = S3ObjectStore.open(server.connection(), BUCKET, ROOT);
          DocQaService serviceA = TestServices.open(storeA, work.resolve("a"), Duration.ZERO);
          DocQaService serviceB = TestServices.open(storeB, work.resolve("b"), Duration.ZERO)) {
        EventReconciler writerA = new EventReconciler(serviceA, storeA, PREFIX, new EventFilter(BUCKET, ROOT + PREFIX),
            work.resolve("downloads-a"));
        EventReconciler writerB = new EventReconciler(serviceB, storeB, PREFIX, new EventFilter(BUCKET, ROOT + PREFIX),
            work.resolve("downloads-b"));
        String replaced = SyntheticDocuments.id(0);
        String deleted = SyntheticDocuments.id(1);
        DocumentEvent replacedV0 = put(bucket, documents, 0, 0, "0A");
        DocumentEvent deletedV0 = put(bucket, documents, 1, 0, "0A");

        storeA.onceBeforePutting(key -> key.startsWith("index/manifests/"), () -> {
          DocumentEvent v1 = put(bucket, documents, 0, 1, "0B");
          assertEquals(DocumentResult.Status.INDEXED, only(writerB.reconcile(List.of(v1))).status());
        });
        DocumentResult stale = only(writerA.reconcile(List.of(replacedV0)));
        assertEquals(DocumentResult.Status.STALE, stale.status(), stale.toString());
        assertEquals("0B", stale.detail());

        storeA.onceBeforePutting(key -> key.startsWith("index/manifests/"), () -> {
          bucket.delete(PREFIX + deleted);
          DocumentEvent removal =
              new DocumentEvent(DocumentEvent.Kind.REMOVED, BUCKET, ROOT + PREFIX + deleted, null, null, "0B", null);
          assertEquals(DocumentResult.Status.ABSENT, only(writerB.reconcile(List.of(removal))).status());
        });
        assertEquals(DocumentResult.Status.STALE, only(writerA.reconcile(List.of(deletedV0))).status());

        Map<String, List<Row>> newest =
            new PublishedCommits(bucket, "index/", work.resolve("check")).newestDocuments();
        assertEquals(List.of(replaced), List.copyOf(newest.keySet()), "the deleted document stays deleted");
        assertEquals(1, reference.versionOf(replaced, newest.get(replaced)), "the newer version stays");
      }
    }
  }

  private static DocumentResult only(EventReconciler.Reconciliation reconciliation) {
    assertEquals(1, reconciliation.documents().size(), reconciliation.toString());
    return reconciliation.documents().getFirst();
  }

  /** Puts version {@code version} of document {@code doc} into the bucket; returns its S3 event. */
  private static DocumentEvent put(ObjectStore bucket, SyntheticDocuments documents, int doc, int version,
      String sequencer) {
    String id = SyntheticDocuments.id(doc);
    String etag = bucket.put(PREFIX + id, documents.text(doc, version).getBytes(StandardCharsets.UTF_8),
        new PutCondition.Always());
    return new DocumentEvent(DocumentEvent.Kind.CREATED, BUCKET, ROOT + PREFIX + id, etag, null, sequencer, null);
  }

  /** What a commit holds against each document's newest event. */
  private record Check(int lost, int stale, int mixed, List<String> problems) {

    static Check of(String when, ReferenceVersions reference, History history, Map<String, List<Row>> newest) {
      int lost = 0;
      int stale = 0;
      int mixed = 0;
      List<String> problems = new ArrayList<>();
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        String id = SyntheticDocuments.id(doc);
        int expected = history.last(doc);
        List<Row> rows = newest.get(id);
        if (rows == null) {
          if (expected != DELETE) {
            lost++;
            problems.add(when + ": " + id + " is missing; its newest event put version " + expected);
          }
          continue;
        }
        int version = reference.versionOf(id, rows);
        if (version < 0) {
          mixed++;
          problems.add(when + ": " + id + " is no whole version: " + rows.size() + " passages");
        } else if (version != expected) {
          stale++;
          problems.add(when + ": " + id + " holds version " + version + "; its newest event "
              + (expected == DELETE ? "deleted it" : "put version " + expected));
        }
      }
      return new Check(lost, stale, mixed, problems);
    }
  }

  private static void verify(int writers, ReferenceVersions reference, History history,
      Map<String, List<Row>> afterChanges, Map<String, List<Row>> afterLateEvents,
      Map<DocumentResult.Status, Integer> tally, int delivered, double seconds) {
    Check changes = Check.of("after the changes", reference, history, afterChanges);
    Check late = Check.of("after the late events", reference, history, afterLateEvents);
    System.out.printf(Locale.ROOT, "{\"test\":\"event_order\",\"seed\":%d,\"writers\":%d,\"documents\":%d,"
            + "\"changes\":%d,\"events_delivered\":%d,\"results\":%s,\"lost\":%d,\"stale\":%d,\"mixed\":%d,"
            + "\"seconds\":%.1f,\"events_per_s\":%.1f}%n",
        SEED, writers, DOCUMENTS, history.produced().size(), delivered, json(tally), changes.lost() + late.lost(),
        changes.stale() + late.stale(), changes.mixed() + late.mixed(), seconds, delivered / seconds);
    List<String> problems = new ArrayList<>(changes.problems());
    problems.addAll(late.problems());
    assertEquals(List.of(), problems);
    assertTrue(tally.getOrDefault(DocumentResult.Status.STALE, 0) > 0, "duplicates and late events were delivered");
  }

  private static String json(Map<DocumentResult.Status, Integer> tally) {
    StringBuilder json = new StringBuilder("{");
    new TreeMap<>(tally).forEach((status, count) ->
        json.append(json.length() > 1 ? "," : "").append('"').append(status).append("\":").append(count));
    return json.append('}').toString();
  }

  /**
   * Each document's planned changes (a version to put, or a delete), applied to the bucket one at a time with a
   * growing sequencer; the events of applied changes are kept. Thread-safe.
   */
  private static final class History {

    private final SyntheticDocuments documents;
    private final ObjectStore bucket;
    private final Random random;
    private final Map<Integer, List<Integer>> planned = new HashMap<>();
    private final Map<Integer, Integer> applied = new HashMap<>();
    private final List<DocumentEvent> produced = new ArrayList<>();
    private long sequencer = 0x1000;

    History(SyntheticDocuments documents, ObjectStore bucket, Random random) {
      this.documents = documents;
      this.bucket = bucket;
      this.random = random;
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        List<Integer> changes = new ArrayList<>();
        int previous = DELETE;
        for (int c = 0; c < CHANGES; c++) {
          // The first change puts a version; a delete never follows a delete; a put always changes the version.
          int change = c > 0 && previous != DELETE && random.nextInt(4) == 0 ? DELETE : random.nextInt(VERSIONS);
          while (change != DELETE && change == previous) {
            change = random.nextInt(VERSIONS);
          }
          changes.add(change);
          previous = change;
        }
        planned.put(doc, changes);
      }
    }

    /** Applies every document's first change; returns their events. */
    synchronized List<DocumentEvent> start() {
      List<DocumentEvent> events = new ArrayList<>();
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        events.add(advance(doc).orElseThrow());
      }
      return events;
    }

    /** After a download of {@code key}: half the time, applies that document's next change. */
    synchronized Optional<DocumentEvent> maybeAdvance(String key) {
      int doc = key.startsWith(PREFIX) ? documents.ids().indexOf(key.substring(PREFIX.length())) : -1;
      return doc >= 0 && random.nextBoolean() ? advance(doc) : Optional.empty();
    }

    /** Applies the next change of a random document that has one; empty when every history has ended. */
    synchronized Optional<DocumentEvent> advanceAny() {
      List<Integer> open = new ArrayList<>();
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        if (!planned.get(doc).isEmpty()) {
          open.add(doc);
        }
      }
      return open.isEmpty() ? Optional.empty() : advance(open.get(random.nextInt(open.size())));
    }

    private Optional<DocumentEvent> advance(int doc) {
      List<Integer> changes = planned.get(doc);
      if (changes.isEmpty()) {
        return Optional.empty();
      }
      int change = changes.removeFirst();
      String id = SyntheticDocuments.id(doc);
      String next = String.format(Locale.ROOT, "%016X", sequencer++);
      DocumentEvent event;
      if (change == DELETE) {
        bucket.delete(PREFIX + id);
        event = new DocumentEvent(DocumentEvent.Kind.REMOVED, BUCKET, ROOT + PREFIX + id, null, null, next, null);
      } else {
        event = put(bucket, documents, doc, change, next);
      }
      applied.put(doc, change);
      produced.add(event);
      return Optional.of(event);
    }

    synchronized int last(int doc) {
      return applied.get(doc);
    }

    synchronized List<DocumentEvent> produced() {
      return List.copyOf(produced);
    }
  }

  /** Events waiting for a writer, taken in random order and random batches, as from an SQS queue. Thread-safe. */
  private static final class Deliveries {

    private final List<DocumentEvent> waiting = new ArrayList<>();
    // Copies of each event waiting or being handled.
    private final Map<DocumentEvent, Integer> outstanding = new HashMap<>();
    private int busy;
    private int delivered;
    private int holding;

    synchronized void add(DocumentEvent event, int copies) {
      for (int c = 0; c < copies; c++) {
        waiting.add(event);
        outstanding.merge(event, 1, Integer::sum);
      }
      notifyAll();
    }

    synchronized void addAll(List<DocumentEvent> events) {
      events.forEach(event -> add(event, 1));
    }

    /** One to three waiting events, chosen at random; the caller must call {@link #done} unless none came. */
    synchronized List<DocumentEvent> take(Random random) {
      List<DocumentEvent> batch = new ArrayList<>();
      int size = Math.min(waiting.size(), 1 + random.nextInt(3));
      for (int i = 0; i < size; i++) {
        batch.add(waiting.remove(random.nextInt(waiting.size())));
      }
      if (!batch.isEmpty()) {
        busy++;
        delivered += batch.size();
      }
      return batch;
    }

    /** The batch {@link #take} gave is handled. */
    synchronized void done(List<DocumentEvent> batch) {
      batch.forEach(event -> outstanding.merge(event, -1, (a, b) -> a + b == 0 ? null : a + b));
      busy--;
      notifyAll();
    }

    /**
     * Waits until every copy of {@code event} was handled, unless that could leave no writer free to handle it: at
     * most {@code writers - 1} writers wait at once (none when there is one writer), and none longer than 30 s.
     */
    void awaitHandledWhileAnotherWriterIsFree(DocumentEvent event, int writers) {
      synchronized (this) {
        if (holding >= writers - 1) {
          return;
        }
        holding++;
      }
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        synchronized (this) {
          while (outstanding.containsKey(event) && System.nanoTime() < deadline) {
            wait(100);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        synchronized (this) {
          holding--;
        }
      }
    }

    /** Waits until no event waits and no writer works. */
    synchronized void awaitIdle() throws InterruptedException {
      long deadline = System.nanoTime() + IDLE_TIMEOUT.toNanos();
      while (!waiting.isEmpty() || busy > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the writers did not settle within " + IDLE_TIMEOUT + ": " + waiting.size()
              + " events waiting, " + busy + " writers busy");
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }

    synchronized int delivered() {
      return delivered;
    }
  }
}
