package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.indexing.PassageSchema;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQaService;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.LocalDocQa;
import dev.docqa.storage.FaultInjectingProxy;
import dev.docqa.storage.FaultInjectingProxy.Fault;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3Connection;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.S3ProxyServer;
import dev.docqa.storage.VersionedObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 faults lose nothing: documents are ingested through the real service over S3, with a {@link FaultInjectingProxy}
 * between the S3 client and s3proxy injecting error answers, lost answers (timeouts), uploads dropped midway and slow
 * reads. Each ingest either succeeds or throws a {@link DocqaException} (the SQS path retries the message); the failed
 * ones are ingested again once the faults stop, as SQS would. After every ingest a fresh replica, reading the bucket
 * directly, must open the newest published commit and find every document in it whole or absent (so every generation
 * ever published is opened once); at the end every document is there exactly once, passage for passage as a
 * fault-free run indexes it, and questions find it. Asks keep working during the faults, from the commit the service
 * has when a refresh fails.
 *
 * <p>Seeded ({@code -Ddocqa.faults.seed=N}); prints a one-line JSON summary. {@code -Ddocqa.faults.documents=N} runs a
 * longer variant.
 */
class S3FaultsTest {

  private static final long SEED = Long.getLong("docqa.faults.seed", 20261122L);
  private static final int DOCUMENTS = Integer.getInteger("docqa.faults.documents", 20);
  private static final String BUCKET = "faults";
  private static final String INDEX_PREFIX = StorageSettings.DEFAULT_INDEX_PREFIX;
  /** Short timeouts so a lost answer costs about a second: local requests take milliseconds. */
  private static final S3Connection.Retries RETRIES =
      new S3Connection.Retries(4, Duration.ofMillis(1000), Duration.ofSeconds(10));
  /** About how many requests an ingest makes (outages start at a random one of them). */
  private static final int REQUESTS_PER_INGEST = 25;
  private static final FaultInjectingProxy.Rates RATES = new FaultInjectingProxy.Rates(
      0.04, 0.01, 0.04, 0.02, RETRIES.attemptTimeout().plusMillis(300), 4096, Duration.ofMillis(10));

  @TempDir static Path work;
  private static final SortedSet<Long> OPENED = new TreeSet<>();
  private static S3ProxyServer server;
  private static FaultInjectingProxy proxy;

  @BeforeAll
  static void start() {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    proxy = FaultInjectingProxy.start(server.endpoint(), SEED);
  }

  @AfterAll
  static void stop() {
    try (S3ProxyServer s = server) {
      proxy.close();
    }
  }

  @Test
  void faultsLoseAndDuplicateNothing() throws Exception {
    long began = System.nanoTime();
    Map<String, Path> documents = writeDocuments(work.resolve("documents"), new Random(SEED), DOCUMENTS);
    Map<String, List<Passage>> reference = referencePassages(documents);

    S3Connection direct = server.connection().withRetries(RETRIES);
    S3Connection viaProxy = proxy.connectionFor(direct);
    List<String> failed = new ArrayList<>();
    Map<String, Integer> failureTypes = new TreeMap<>();
    int checks = 0;
    try (ObjectStore faulty = S3ObjectStore.open(viaProxy, BUCKET, "run/");
        ObjectStore bucket = S3ObjectStore.open(direct, BUCKET, "run/");
        DocQaService docqa = DocQaService.open(settings(viaProxy), faulty,
            ModelResolver.withoutS3(work.resolve("models")))) {
      long faultsBegan = System.nanoTime();
      proxy.inject(RATES);
      Random outages = new Random(SEED + 1); // one ingest in five meets an outage, one in ten a lost manifest answer
      for (Map.Entry<String, Path> document : documents.entrySet()) {
        int scenario = outages.nextInt(10);
        if (scenario < 2) {
          // S3 down for longer than the client retries, at a random point of the ingest (upload, manifest, refresh).
          proxy.schedule(Fault.SERVER_ERROR, outages.nextInt(REQUESTS_PER_INGEST),
              RETRIES.maxAttempts() + 1);
        } else if (scenario == 2) {
          // The manifest put lands but its answer is lost, then S3 goes down: every retry, and the HEAD that would
          // tell, fail. The ingest fails though it published; SQS's retry must find the document there, once.
          List<Fault> lostThenDown = new ArrayList<>();
          lostThenDown.add(Fault.TIMEOUT);
          lostThenDown.addAll(Collections.nCopies(2 * RETRIES.maxAttempts() - 1, Fault.SERVER_ERROR));
          proxy.scheduleAt("PUT /" + BUCKET + "/run/" + INDEX_PREFIX + "manifests/", lostThenDown);
        }
        try {
          IngestOutcome outcome = docqa.ingest(document.getKey(), document.getValue(), "v1");
          assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
        } catch (DocqaException e) {
          failed.add(document.getKey()); // typed: the SQS message goes back to the queue
          failureTypes.merge(e.getClass().getSimpleName(), 1, Integer::sum);
        } catch (RuntimeException e) {
          throw new AssertionError("ingest of " + document.getKey() + " failed with an untyped exception", e);
        }
        // Readers keep answering from the commit they have while refreshes fail.
        assertNotNull(docqa.retrieve(question(document.getKey()), 3, RetrieverMode.BM25));
        checkNewestCommitOpens(bucket, reference, checks++);
        proxy.inject(RATES); // drops an outage the ingest did not reach
      }
      proxy.stopFaults();
      long faultsEnded = System.nanoTime();
      Map<String, Integer> retried = new TreeMap<>();
      for (String documentId : failed) {
        IngestOutcome outcome = docqa.ingest(documentId, documents.get(documentId), "v1");
        // UNCHANGED: the failed attempt had published after all, and its answer was what got lost.
        assertTrue(outcome.status() != IngestOutcome.Status.FAILED, outcome.toString());
        retried.merge(outcome.status().name(), 1, Integer::sum);
        checkNewestCommitOpens(bucket, reference, checks++);
      }

      Map<String, List<Passage>> published = checkNewestCommitOpens(bucket, reference, checks++);
      int lost = 0;
      int duplicates = 0;
      for (Map.Entry<String, List<Passage>> expected : reference.entrySet()) {
        List<Passage> actual = published.getOrDefault(expected.getKey(), List.of());
        if (actual.isEmpty()) {
          lost++;
        } else if (actual.size() > expected.getValue().size()) {
          duplicates++;
        }
      }
      long newest = OPENED.isEmpty() ? 0 : OPENED.last();
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("test", "S3FaultsTest");
      summary.put("seed", SEED);
      Map<String, Integer> injected = new LinkedHashMap<>();
      proxy.injected().forEach((fault, count) -> injected.put(fault.label(), count));
      summary.put("faults_injected", injected);
      summary.put("requests", proxy.requests());
      summary.put("documents", documents.size());
      summary.put("passages", reference.values().stream().mapToInt(List::size).sum());
      summary.put("ingests_failed_then_retried", failed.size());
      summary.put("failure_types", failureTypes);
      summary.put("retried_outcomes", retried);
      summary.put("openable_checks", checks);
      summary.put("generations", newest);
      summary.put("lost", lost);
      summary.put("duplicates", duplicates);
      summary.put("seconds", seconds(began, System.nanoTime()));
      summary.put("seconds_faulty_phase", seconds(faultsBegan, faultsEnded));
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      assertEquals(0, lost, "documents lost");
      assertEquals(0, duplicates, "documents duplicated");
      assertEquals(reference, published, "every document exactly once, as a fault-free run indexes it");
      assertEquals(LongStream.rangeClosed(1, newest).boxed().toList(), List.copyOf(OPENED),
          "a fresh replica opened every generation ever published");
      for (String documentId : documents.keySet()) {
        List<Passage> hits = docqa.retrieve(question(documentId), 3, RetrieverMode.BM25);
        assertEquals(documentId, hits.getFirst().documentId(), "question about " + documentId);
      }
      AskResult answer = docqa.ask(new AskRequest(question(documents.keySet().iterator().next()), 3,
          RetrieverMode.HYBRID, null, 0));
      assertNotNull(answer.answer(), "questions answer once the faults stop");
      assertTrue(injected.values().stream().allMatch(n -> n > 0), "every kind of fault was injected: " + injected);
    }
  }

  private static double seconds(long from, long to) {
    return Math.round((to - from) / 1e7) / 100.0;
  }

  /**
   * Opens the newest published commit with a fresh replica that reads the bucket directly, and checks that every
   * document in it is whole: exactly the passages of a fault-free run (no half-written or doubled document).
   *
   * @return the passages of that commit, by document
   */
  private static Map<String, List<Passage>> checkNewestCommitOpens(
      ObjectStore bucket, Map<String, List<Passage>> reference, int check) throws IOException {
    long newest = new VersionedObject(bucket, INDEX_PREFIX + "manifests/").latest()
        .map(VersionedObject.Version::generation).orElse(0L);
    try (IndexReplica replica = new IndexReplica(bucket, INDEX_PREFIX, work.resolve("replica-" + check), Duration.ZERO,
            Clock.systemUTC());
        IndexSnapshot snapshot = replica.acquire()) {
      assertEquals(newest, snapshot.generation(), "a fresh replica opens the newest published commit");
      if (newest > 0) {
        OPENED.add(newest);
      }
      Map<String, List<Passage>> passages = passagesByDocument(snapshot.reader());
      passages.forEach((documentId, actual) ->
          assertEquals(reference.get(documentId), actual, "generation " + newest + " holds " + documentId + " whole"));
      return passages;
    }
  }

  /** Ingests the documents with no faults (a local store) and returns what that indexes. */
  private static Map<String, List<Passage>> referencePassages(Map<String, Path> documents) throws IOException {
    try (LocalDocQa local = LocalDocQa.open(work.resolve("reference"))) {
      for (Map.Entry<String, Path> document : documents.entrySet()) {
        assertEquals(IngestOutcome.Status.INDEXED,
            local.service().ingest(document.getKey(), document.getValue(), "v1").status());
      }
      try (IndexReplica replica = IndexReplica.open(local.store(), new StorageSettings(local.storage().location(),
              work.resolve("reference-replica"), Duration.ZERO));
          IndexSnapshot snapshot = replica.acquire()) {
        Map<String, List<Passage>> passages = passagesByDocument(snapshot.reader());
        assertEquals(documents.keySet(), passages.keySet());
        return passages;
      }
    }
  }

  private static Map<String, List<Passage>> passagesByDocument(IndexReader reader) throws IOException {
    List<Passage> all = new ArrayList<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      StoredFields fields = leaf.reader().storedFields();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        if (live == null || live.get(doc)) {
          all.add(PassageSchema.readPassage(fields, doc));
        }
      }
    }
    return all.stream()
        .sorted(Comparator.comparing(Passage::documentId).thenComparingInt(Passage::ordinal))
        .collect(Collectors.groupingBy(Passage::documentId, TreeMap::new, Collectors.toList()));
  }

  private static DocqaSettings settings(S3Connection connection) {
    DocqaSettings defaults = DocqaSettings.defaults();
    StorageSettings base = defaults.storage();
    return defaults.withStorage(new StorageSettings("s3://" + BUCKET + "/run/", work.resolve("cache"), Duration.ZERO,
        base.documentPrefix(), base.indexPrefix(), base.gcGrace(), connection.endpoint().toString(),
        connection.region(), true));
  }

  // Each document has one fact nobody else has: a made-up place and keeper, so a question finds exactly it.
  private static final String[] SYLLABLES = {"var", "nol", "kest", "bri", "mar", "tal", "wen", "dor", "sel", "quin",
      "hal", "rov", "ask", "lum", "fen", "gar"};
  private static final String[] FILLER = ("the harbour tide ledger north wind stone quay lamp oil winter crew "
      + "survey cargo bell signal fog chart reef channel beacon storm log rope mast pier").split(" ");

  private static Map<String, Path> writeDocuments(Path dir, Random random, int count) throws IOException {
    Files.createDirectories(dir);
    Map<String, Path> documents = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("doc-%03d.txt", i);
      StringBuilder text = new StringBuilder(fact(id)).append("\n\n");
      int paragraphs = 1 + random.nextInt(4);
      for (int p = 0; p < paragraphs; p++) {
        int words = 20 + random.nextInt(120);
        for (int w = 0; w < words; w++) {
          text.append(w == 0 ? "" : " ").append(FILLER[random.nextInt(FILLER.length)]);
        }
        text.append(".\n\n");
      }
      Path file = dir.resolve(id);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      documents.put(id, file);
    }
    return documents;
  }

  /** A place name of its own for each of the first 16^3 documents. */
  private static String place(String documentId) {
    int n = number(documentId);
    int s = SYLLABLES.length;
    return capitalize(SYLLABLES[n % s] + SYLLABLES[(n / s + 5) % s] + SYLLABLES[(n / (s * s)) % s]);
  }

  private static String keeper(String documentId) {
    return capitalize(SYLLABLES[(number(documentId) * 7 + 3) % SYLLABLES.length] + "ton");
  }

  private static int number(String documentId) {
    return Integer.parseInt(documentId.substring("doc-".length(), documentId.indexOf('.')));
  }

  private static String fact(String documentId) {
    return "The beacon of " + place(documentId) + " was kept by " + keeper(documentId) + " for many years.";
  }

  private static String question(String documentId) {
    return "Who kept the beacon of " + place(documentId) + "?";
  }

  private static String capitalize(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }
}
