package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.IngestSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.FaultyObjectStore;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.PutCondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IngestHandler} publishes the documents of one invocation as one index commit, on the real service over a local
 * store; when that commit fails, every message of the batch is retried and nothing is half-applied.
 */
class IngestBatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "docqa-bucket";
  private static final String PREFIX = StorageSettings.DEFAULT_DOCUMENT_PREFIX;
  private static final AtomicInteger SEQUENCE = new AtomicInteger(0x2000);
  private static final AtomicInteger DOCUMENTS = new AtomicInteger();

  @TempDir static Path work;
  private static LocalObjectStore local;
  private static FaultyObjectStore store;
  private static DocQaService service;
  private static IngestHandler handler;

  @BeforeAll
  static void open() {
    local = new LocalObjectStore(work.resolve("store"));
    store = new FaultyObjectStore(local);
    DocqaSettings settings = DocqaSettings.defaults()
        .withStorage(new StorageSettings(work.resolve("store").toString(), work.resolve("cache"), Duration.ZERO));
    service = DocQaService.open(settings, store, ModelResolver.withoutS3(work.resolve("cache").resolve("models")));
    handler = new IngestHandler(new EventReconciler(service, store, PREFIX, new EventFilter(BUCKET, PREFIX),
        work.resolve("downloads")));
  }

  @AfterAll
  static void close() {
    service.close();
    local.close();
  }

  @Test
  void theDocumentsOfOneInvocationArePublishedAsOneCommit() throws Exception {
    List<String> ids = upload(5);
    int manifests = manifests();

    assertEquals(List.of(), handle(ids.stream().map(IngestBatchTest::created).toList()));

    assertEquals(manifests + 1, manifests(), "five documents, one commit");
    ids.forEach(id -> assertTrue(indexed(id), id));
  }

  @Test
  void aFailedCommitRetriesEveryMessageOfTheBatchAndAppliesNothing() throws Exception {
    String doomed = upload(1).getFirst();
    assertEquals(List.of(), handle(List.of(created(doomed))));
    List<String> ids = upload(3);
    store.delete(PREFIX + doomed);
    List<String> messages = new ArrayList<>(ids.stream().map(IngestBatchTest::created).toList());
    messages.add(removed(doomed));
    Map<String, String> before = indexObjects();

    store.failPutsOf(key -> key.startsWith(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/"));
    List<String> retried;
    try {
      retried = handle(messages);
    } finally {
      store.heal();
    }

    assertEquals(List.of("m0", "m1", "m2", "m3"), retried.stream().sorted().toList(),
        "the batch's commit and the delete's both failed");
    assertEquals(before.keySet().stream().filter(k -> k.contains("/manifests/")).toList(),
        indexObjects().keySet().stream().filter(k -> k.contains("/manifests/")).toList(), "nothing published");
    assertTrue(indexed(doomed));
    ids.forEach(id -> assertFalse(indexed(id), id));

    // SQS delivers the same messages again: the ledger recorded none of them, so all apply.
    assertEquals(List.of(), handle(messages));
    ids.forEach(id -> assertTrue(indexed(id), id));
    assertFalse(indexed(doomed));
  }

  /**
   * A redelivered batch (the same messages, sequencers and all) is acknowledged and commits nothing: the commit holds
   * those sequencers already. A newer event for unchanged content commits its sequencer alone, so an older event still
   * in flight elsewhere cannot replace the content afterwards.
   */
  @Test
  void aRedeliveredBatchCommitsNothingAndANewerSequencerIsRecorded() throws Exception {
    List<String> ids = upload(3);
    List<String> records = ids.stream().map(IngestBatchTest::created).toList();
    assertEquals(List.of(), handle(records));
    int manifests = manifests();

    assertEquals(List.of(), handle(records), "duplicates are acknowledged");
    assertEquals(manifests, manifests(), "and commit nothing");

    String older = records.get(0);
    assertEquals(List.of(), handle(List.of(created(ids.get(0)))));
    assertEquals(manifests + 1, manifests(), "the newer sequencer of unchanged content is committed");
    store.put(PREFIX + ids.get(0), "The heron count was abandoned in the fog.".getBytes(StandardCharsets.UTF_8),
        new PutCondition.Always());
    assertEquals(List.of(), handle(List.of(older)), "a late event is acknowledged");
    assertEquals(manifests + 1, manifests(), "and changes nothing");
    assertTrue(indexed(ids.get(0)), "the content its newest event saw stays");
  }

  /**
   * A poison document (its embedding fails inside libtorch: a passage longer than the 64 positions of the
   * {@code tiny-embedder-64} test model, whose token limit is 256) fails alone: the other documents of the batch land in one commit, and exactly
   * the poison message is reported for retry, again on redelivery.
   */
  @Test
  void aPoisonDocumentIsReportedAloneAndTheRestOfTheBatchLandsInOneCommit(@TempDir Path poisonWork)
      throws Exception {
    Path embedder = poisonWork.resolve("embedder");
    Files.createDirectories(embedder);
    Path tiny = Path.of(IngestBatchTest.class.getResource("/models/tiny-embedder").toURI());
    Path tiny64 = Path.of(IngestBatchTest.class.getResource("/models/tiny-embedder-64").toURI());
    Files.copy(tiny.resolve("tokenizer.json"), embedder.resolve("tokenizer.json"));
    for (String file : List.of("tiny-embedder-64.pt", "serving.properties")) {
      Files.copy(tiny64.resolve(file), embedder.resolve(file));
    }
    LocalObjectStore poisonStore = new LocalObjectStore(poisonWork.resolve("store"));
    DocqaSettings settings = DocqaSettings.defaults()
        .withEmbedder(new EmbedderSettings(embedder.toString(), 8))
        .withIngest(IngestSettings.defaults().withPassageTokens(200, 32))
        .withStorage(new StorageSettings(poisonWork.resolve("store").toString(), poisonWork.resolve("cache"),
            Duration.ZERO));
    try (DocQaService poisonService = DocQaService.open(settings, poisonStore,
        ModelResolver.withoutS3(poisonWork.resolve("cache").resolve("models")))) {
      IngestHandler poisonHandler = new IngestHandler(new EventReconciler(poisonService, poisonStore, PREFIX,
          new EventFilter(BUCKET, PREFIX), poisonWork.resolve("downloads")));
      List<String> records = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        poisonStore.put(PREFIX + "good-" + i + ".txt", ("The curlew count " + i + " was taken at mudflat" + i + ".")
            .getBytes(StandardCharsets.UTF_8), new PutCondition.Always());
        records.add(created("good-" + i + ".txt"));
      }
      StringBuilder poison = new StringBuilder();
      for (int i = 0; i < 150; i++) {
        poison.append("word").append(i % 50).append(' ');
      }
      poisonStore.put(PREFIX + "poison.txt", poison.toString().getBytes(StandardCharsets.UTF_8),
          new PutCondition.Always());
      records.add(1, created("poison.txt"));
      int manifests = poisonStore.list(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/").size();

      assertEquals(List.of("m1"), handle(poisonHandler, records), "exactly the poison message is retried");

      assertEquals(manifests + 1, poisonStore.list(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/").size(),
          "the other documents landed in one commit");
      for (int i = 0; i < 3; i++) {
        String id = "good-" + i + ".txt";
        assertTrue(poisonService.retrieve("mudflat" + i, 10, RetrieverMode.BM25).stream()
            .anyMatch(p -> p.documentId().equals(id)), id);
      }
      assertEquals(List.of("m0"), handle(poisonHandler, List.of(created("poison.txt"))), "still poison on redelivery");
      assertEquals(manifests + 1, poisonStore.list(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/").size());
    } finally {
      poisonStore.close();
    }
  }

  private static List<String> upload(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = DOCUMENTS.incrementAndGet();
      String id = "batch-" + n + ".txt";
      store.put(PREFIX + id, ("The heron count " + n + " was taken at tally" + n + " marsh.")
          .getBytes(StandardCharsets.UTF_8), new PutCondition.Always());
      ids.add(id);
    }
    return ids;
  }

  private static boolean indexed(String id) {
    String marker = "tally" + id.substring("batch-".length(), id.indexOf('.'));
    return service.retrieve(marker, 50, RetrieverMode.BM25).stream().anyMatch(p -> p.documentId().equals(id));
  }

  private static int manifests() {
    return local.list(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/").size();
  }

  private static Map<String, String> indexObjects() {
    Map<String, String> objects = new TreeMap<>();
    local.list(StorageSettings.DEFAULT_INDEX_PREFIX).forEach(o -> objects.put(o.key(), o.etag()));
    return objects;
  }

  private static String created(String id) {
    return S3EventsTest.s3Record("ObjectCreated:Put", BUCKET, PREFIX + id, next());
  }

  private static String removed(String id) {
    return S3EventsTest.s3Record("ObjectRemoved:Delete", BUCKET, PREFIX + id, next());
  }

  private static String next() {
    return String.format("%016X", SEQUENCE.incrementAndGet());
  }

  private static List<String> handle(List<String> records) throws Exception {
    return handle(handler, records);
  }

  /** One SQS message per S3 record, ids m0, m1, ...; returns the ids to retry. */
  private static List<String> handle(IngestHandler handler, List<String> records) throws Exception {
    Map<String, String> messages = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      String body = "{\"Records\":[" + records.get(i) + "]}";
      messages.put("m" + i, body);
    }
    return handler.handle(S3EventsTest.parse(FunctionEvents.sqsEvent(messages)))
        .getBatchItemFailures().stream().map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList();
  }
}
