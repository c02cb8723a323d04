package dev.docqa.functions;

import static dev.docqa.functions.FunctionEvents.JSON;
import static dev.docqa.functions.FunctionEvents.assertProvenance;
import static dev.docqa.functions.FunctionEvents.created;
import static dev.docqa.functions.FunctionEvents.postIngestEvent;
import static dev.docqa.functions.FunctionEvents.removed;
import static dev.docqa.functions.FunctionEvents.retrievedPassages;
import static dev.docqa.functions.FunctionEvents.s3Event;
import static dev.docqa.functions.FunctionEvents.sqsEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.events.EventFilter;
import dev.docqa.events.EventReconciler;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.models.ModelResolver;
import dev.docqa.replication.IndexReplica;
import dev.docqa.replication.IndexSnapshot;
import dev.docqa.service.AnswerView;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocQaService;
import dev.docqa.storage.FaultyObjectStore;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.storage.StorageException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ingest} end to end: documents uploaded to s3proxy, S3 notifications (direct and wrapped in SQS messages)
 * posted to the Lambda mock event server (test port 8081) → Funqy → the real service, which publishes the index to the
 * same bucket. This deployment exports {@code ingest} only; answers are checked by calling the {@code ask} function's
 * handler bean (that function is tested through the event server in {@link AskFunctionTest}) and retrieval.
 *
 * <p>The race and crash tests open a second, independent service on the same bucket (another container, as Lambda
 * would run): its own models, local index cache and publisher, with a store that can crash before chosen writes.
 * Every test uses its own document ids, so tests do not depend on their order.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Ingest.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class IngestFunctionTest {

  private static DocQaService otherService;
  private static FaultyObjectStore otherStore;

  @Inject DocQa docQa;
  @Inject AskHandler ask;
  @Inject ObjectStore store;
  @Inject DocqaSettings settings;
  @Inject S3Client s3;

  @AfterAll
  static void closeOtherContainer() {
    if (otherService != null) {
      otherService.close();
      otherStore.close();
    }
  }

  /** The {@code ingest} handler of a second container on the same bucket, over {@link #otherStore}. */
  private IngestHandler otherContainer() {
    StorageSettings storage = settings.storage();
    if (otherService == null) {
      Path cache = storage.cacheDir().resolveSibling("other-" + UUID.randomUUID());
      otherStore = new FaultyObjectStore(
          new S3ObjectStore(s3, S3ProxyResource.BUCKET, S3ProxyResource.STORE_PREFIX, false));
      otherService = DocQaService.open(
          settings.withStorage(new StorageSettings(storage.location(), cache, storage.maxStaleness(),
              storage.documentPrefix(), storage.indexPrefix(), storage.gcGrace(), null, storage.s3Region(), false)),
          otherStore, ModelResolver.withoutS3(cache.resolve("models")));
    }
    return new IngestHandler(new EventReconciler(otherService, otherStore, storage.documentPrefix(),
        new EventFilter(S3ProxyResource.BUCKET, S3ProxyResource.STORE_PREFIX + storage.documentPrefix()),
        storage.cacheDir().resolveSibling("other-downloads")));
  }

  private void upload(String documentId, String text) {
    store.put(StorageSettings.DEFAULT_DOCUMENT_PREFIX + documentId, text.getBytes(StandardCharsets.UTF_8), PutCondition.NONE);
  }



  /** What a fresh reader (its own empty cache) opens: the published generation and which documents it holds. */
  private record Published(long generation, Map<String, Boolean> documents) {}

  private Published published(List<String> documentIds) throws IOException {
    StorageSettings storage = settings.storage();
    Path cache = storage.cacheDir().resolveSibling("reader-" + UUID.randomUUID());
    Map<String, Boolean> seen = new LinkedHashMap<>();
    try (IndexReplica replica = IndexReplica.open(store, new StorageSettings(storage.location(), cache,
            storage.maxStaleness(), storage.documentPrefix(), storage.indexPrefix(), storage.gcGrace(), null,
            storage.s3Region(), false));
        IndexSnapshot snapshot = replica.acquire()) {
      for (String id : documentIds) {
        seen.put(id, PassageWrites.indexedDocument(snapshot.searcher(), id).isPresent());
      }
      return new Published(snapshot.generation(), seen);
    }
  }

  private static AskQuery question(String question, String documentPrefix) {
    AskQuery query = new AskQuery();
    query.setQuestion(question);
    query.setDocumentPrefix(documentPrefix);
    query.setTopK(3);
    return query;
  }

  @Test
  void anUploadedDocumentIsIngestedFromItsS3EventAndAnswersWithProvenance() {
    String id = "logs/Keeper Log 1921.txt";
    String text = "Keeper's log, Varnholm Light. Ansel Brekke trimmed the wick at dusk 🌊 and wound the clockwork "
        + "at midnight. The fog signal sounded for nine hours on the twelfth of March.";
    upload(id, text);
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0055AED6DCD90281E5"))));

    AnswerView view = ask.ask(question("Who trimmed the wick at dusk?", "logs/"));
    assertEquals(id, view.best().document(), "the key was URL-decoded: + is a space");
    assertProvenance(JSON.valueToTree(view.best()), text);
    for (AnswerView.Span alternative : view.alternatives()) {
      assertProvenance(JSON.valueToTree(alternative), text);
    }
  }

  @Test
  void anSqsBatchIngestsItsGoodMessagesAndReportsTheMalformedOne() {
    upload("sqs/good.txt", "The ferry Morwenna sails from Saltmere to Varnholm every Tuesday.");
    Map<String, String> messages = new LinkedHashMap<>();
    messages.put("m-good", s3Event(created("sqs/good.txt", "01")));
    messages.put("m-malformed", "{\"Records\": not json");
    assertEquals(List.of("m-malformed"), postIngestEvent(sqsEvent(messages)));
    assertEquals(1, retrievedPassages(docQa, "sqs/good.txt", "ferry Morwenna Tuesday").size());
  }

  /**
   * An SQS event exactly as Lambda's event source mapping sends it (every envelope field, {@code eventSource}
   * {@code aws:sqs}) reaches docqa's own batch handling, not Funqy's per-message unwrapping: two messages make one
   * commit, and a body that is an SNS envelope (S3 -> SNS -> SQS without raw delivery) is reported for retry rather
   * than acknowledged, so the change it carries is not lost.
   */
  @Test
  void anAwsShapedSqsBatchIsOneCommitAndAnSnsWrappedBodyIsReported() throws IOException {
    upload("batch/a.txt", "The harbour master of Saltmere logs every pilot boat at the quay.");
    upload("batch/b.txt", "The pilot boat Guillemot was launched at Varnholm in 1911.");
    upload("batch/sns.txt", "The lantern of the Skerry light burns colza oil.");
    long before = published(List.of()).generation();
    Map<String, String> messages = new LinkedHashMap<>();
    messages.put("059f36b4-87a3-44ab-83d2-661975830a7d", s3Event(created("batch/a.txt", "0100")));
    messages.put("2e1424d4-f796-459a-8184-9c92662be6da", s3Event(created("batch/b.txt", "0100")));
    messages.put("7b9c1f7e-3d0e-4c51-9d8a-1b2c3d4e5f60", FunctionEvents.snsEnvelope(s3Event(created("batch/sns.txt",
        "0100"))));

    assertEquals(List.of("7b9c1f7e-3d0e-4c51-9d8a-1b2c3d4e5f60"), postIngestEvent(sqsEvent(messages)),
        "the SNS-wrapped message is retried, not acknowledged");

    assertEquals(new Published(before + 1, Map.of("batch/a.txt", true, "batch/b.txt", true, "batch/sns.txt", false)),
        published(List.of("batch/a.txt", "batch/b.txt", "batch/sns.txt")), "one commit for the batch");
  }

  @Test
  void aReplacedDocumentKeepsOnlyItsNewPassages() {
    String id = "replace/ledger.txt";
    upload(id, "The quartermaster of the Zephyr kept a green ledger of cargo.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0100"))));
    assertEquals(1, retrievedPassages(docQa, id, "quartermaster Zephyr").size());

    upload(id, "The purser of the Halcyon kept a crimson ledger of passengers.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0200"))));
    List<Passage> passages = retrievedPassages(docQa, id, "ledger quartermaster Zephyr purser Halcyon");
    assertEquals(1, passages.size(), "the old passages are gone: " + passages);
    assertTrue(passages.getFirst().text().contains("Halcyon"), passages.toString());
  }

  @Test
  void aRemovedObjectIsDeletedFromTheIndex() {
    String id = "remove/tide-table.txt";
    upload(id, "Tide table of Port Ellery: high water at 06:12 and 18:40.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0A"))));
    assertEquals(1, retrievedPassages(docQa, id, "tide table high water").size());

    store.delete(StorageSettings.DEFAULT_DOCUMENT_PREFIX + id);
    assertEquals(List.of(), postIngestEvent(s3Event(removed(id, "0B"))));
    assertEquals(List.of(), retrievedPassages(docQa, id, "tide table high water"));
  }

  /**
   * Duplicates and late events are dropped by their sequencer. Since the handler reconciles with the object as it is
   * now, the store is changed without an event before each stale delivery: had the event been applied, the index
   * would follow the store.
   */
  @Test
  void duplicateAndOutOfOrderEventsAreDroppedBySequencer() {
    String id = "order/buoy.txt";
    String words = "bell buoy Skerry";
    upload(id, "The bell buoy off Skerry Point rings in a westerly swell.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0010"))));
    assertEquals(1, retrievedPassages(docQa, id, words).size());

    store.delete(StorageSettings.DEFAULT_DOCUMENT_PREFIX + id);
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0010"))));
    assertEquals(1, retrievedPassages(docQa, id, words).size(), "the duplicate was dropped, not reconciled");

    assertEquals(List.of(), postIngestEvent(s3Event(removed(id, "0030"))));
    assertEquals(List.of(), retrievedPassages(docQa, id, words), "the newer removal applies");

    upload(id, "The bell buoy off Skerry Point was moved in 1931.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0020"))));
    assertEquals(List.of(), retrievedPassages(docQa, id, words), "the late creation (older than the removal) was dropped");

    // One batch, reordered: only its newest event counts, and the store decides (the object is there).
    assertEquals(List.of(), postIngestEvent(s3Event(created(id, "0050"), removed(id, "0040"))));
    List<Passage> passages = retrievedPassages(docQa, id, words);
    assertEquals(1, passages.size());
    assertTrue(passages.getFirst().text().contains("1931"), passages.toString());
  }

  @Test
  void eventsForOtherBucketsAndPrefixesAreIgnored() {
    upload("ignored/a.txt", "The gazetteer lists the hamlet of Quillon Cove.");
    String otherBucket = S3EventsTest.s3Record("ObjectCreated:Put", "another-bucket",
        FunctionEvents.eventKey("ignored/a.txt"), "01");
    String otherPrefix = S3EventsTest.s3Record("ObjectCreated:Put", S3ProxyResource.BUCKET,
        S3ProxyResource.STORE_PREFIX + "index/manifests/0000000000000000001", "01");
    assertEquals(List.of(), postIngestEvent(s3Event(otherBucket, otherPrefix)));
    assertEquals(List.of(), retrievedPassages(docQa, "ignored/a.txt", "hamlet Quillon Cove"));
  }

  /**
   * Two containers ingest different documents into the same published index (this one through the event server, the
   * other through its handler). First a forced lost race: the other container is stopped between its file uploads and
   * its manifest write while this one publishes, so its manifest write conflicts and it must rebase. Then both run
   * freely at once. No document is lost or duplicated, and each ingestion publishes exactly one generation.
   */
  @Test
  void twoContainersIngestingAtOnceLoseNoDocument() throws Exception {
    IngestHandler other = otherContainer();
    List<String> words = List.of("zephyrine", "halberdine", "quorraton", "vellichor", "brumalis", "tessaline",
        "ombrifer", "lunastel");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String id = "race/doc-" + i + ".txt";
      upload(id, "Racing document " + i + " names the " + words.get(i) + " of the northern isles.");
      ids.add(id);
    }
    long before = published(List.of()).generation();

    String manifests = settings.storage().indexPrefix() + "manifests/";
    otherStore.onceBeforePutting(key -> key.startsWith(manifests),
        () -> assertEquals(List.of(), postIngestEvent(s3Event(created(ids.get(0), "01")))));
    assertEquals(List.of(), handleIn(other, s3Event(created(ids.get(1), "01"))));
    assertEquals(new Published(before + 2, Map.of(ids.get(0), true, ids.get(1), true)),
        published(ids.subList(0, 2)), "the other container lost the race for its manifest, rebased and published");

    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?> viaFunction = pool.submit(() -> {
        start.await();
        for (int i = 2; i < ids.size(); i += 2) {
          assertEquals(List.of(), postIngestEvent(s3Event(created(ids.get(i), "01"))));
        }
        return null;
      });
      Future<?> viaOther = pool.submit(() -> {
        start.await();
        for (int i = 3; i < ids.size(); i += 2) {
          assertEquals(List.of(), handleIn(other, s3Event(created(ids.get(i), "01"))));
        }
        return null;
      });
      start.countDown();
      viaFunction.get();
      viaOther.get();
    } finally {
      pool.shutdownNow();
    }
    Map<String, Boolean> expected = new LinkedHashMap<>();
    ids.forEach(id -> expected.put(id, true));
    Published after = published(ids);
    assertEquals(expected, after.documents(), "no document lost");
    assertEquals(before + ids.size(), after.generation(), "one published generation per document");
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(1, retrievedPassages(docQa, ids.get(i), words.get(i)).size(), "exactly once: " + ids.get(i));
    }
  }

  private static List<String> handleIn(IngestHandler handler, String event) throws IOException {
    return handler.handle(JSON.readValue(event, IngestEvent.class)).getBatchItemFailures().stream()
        .map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList();
  }

  /**
   * A container killed between uploading the index files and writing the manifest: readers (this container and a
   * fresh one) keep opening the previous index, SQS gets the message back, and its redelivery completes here.
   */
  @Test
  void aPublishKilledBeforeTheManifestLeavesThePreviousIndexAndTheRedeliveryCompletes() throws Exception {
    IngestHandler other = otherContainer();
    String kept = "crash/kept.txt";
    String doomed = "crash/doomed.txt";
    upload(kept, "The signal station at Hallow Ness opened in 1902.");
    assertEquals(List.of(), postIngestEvent(s3Event(created(kept, "01"))));
    upload(doomed, "The signal station at Hallow Ness closed in 1977.");
    long generation = published(List.of()).generation();
    int files = store.list(settings.storage().indexPrefix() + "files/").size();

    String manifests = settings.storage().indexPrefix() + "manifests/";
    otherStore.failPutsOf(key -> key.startsWith(manifests));
    String notification = s3Event(created(doomed, "01"));
    IngestEvent sqs = JSON.readValue(sqsEvent(Map.of("m-doomed", notification)), IngestEvent.class);
    assertEquals(List.of("m-doomed"),
        other.handle(sqs).getBatchItemFailures().stream().map(SqsBatchResponse.BatchItemFailure::getItemIdentifier)
            .toList(), "the killed publish is retried by SQS");
    StorageException direct = assertThrows(StorageException.class,
        () -> other.handle(JSON.readValue(notification, IngestEvent.class)), "a direct invocation throws for Lambda");
    assertTrue(direct.getMessage().contains("injected crash"), direct.getMessage());
    assertTrue(store.list(settings.storage().indexPrefix() + "files/").size() > files, "files were uploaded");
    assertEquals(new Published(generation, Map.of(kept, true, doomed, false)), published(List.of(kept, doomed)),
        "a fresh reader opens the previous index");
    assertEquals(1, retrievedPassages(docQa, kept, "signal station Hallow Ness").size(), "this container reads the old index");
    assertEquals(List.of(), retrievedPassages(docQa, doomed, "signal station Hallow Ness"));

    otherStore.heal();
    assertEquals(List.of(), postIngestEvent(sqsEvent(Map.of("m-doomed", notification))), "the redelivery completes");
    assertEquals(new Published(generation + 1, Map.of(kept, true, doomed, true)), published(List.of(kept, doomed)));
  }
}
