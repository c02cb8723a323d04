package dev.docqa.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.DocQaService;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.LocalObjectStore;
import dev.docqa.storage.PutCondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler as plain Java on the real service over a local store: which events it ignores, and how changes with
 * and without a sequencer are ordered. The race between writers is {@code replication.EventOrderConcurrencyTest}'s.
 */
class EventReconcilerTest {

  private static final String BUCKET = "docs-bucket";
  private static final String PREFIX = StorageSettings.DEFAULT_DOCUMENT_PREFIX;
  private static final Path TINY_EMBEDDER = Path.of("src/test/resources/models/tiny-embedder").toAbsolutePath();

  @TempDir static Path work;
  private static LocalObjectStore store;
  private static DocQaService service;
  private static EventReconciler reconciler;

  @BeforeAll
  static void open() {
    store = new LocalObjectStore(work.resolve("store"));
    DocqaSettings defaults = DocqaSettings.defaults();
    DocqaSettings settings = defaults
        .withStorage(new StorageSettings(work.resolve("store").toString(), work.resolve("cache"), Duration.ZERO))
        .withEmbedder(new EmbedderSettings(TINY_EMBEDDER.toString(), defaults.embedder().batchSize()));
    service = DocQaService.open(settings, store, ModelResolver.withoutS3(work.resolve("cache").resolve("models")));
    reconciler = new EventReconciler(service, store, PREFIX, new EventFilter(BUCKET, PREFIX), work.resolve("downloads"));
  }

  @AfterAll
  static void close() {
    service.close();
    store.close();
  }

  @Test
  void eventsOfOtherBucketsAndUnsafeKeysAreIgnoredWithTheirReason() {
    EventReconciler.Reconciliation result = reconciler.reconcile(List.of(
        created("other-bucket", PREFIX + "a.txt", "01"),
        created(BUCKET, PREFIX + "../escape.txt", "01")));
    assertEquals(List.of(), result.documents());
    assertEquals(2, result.ignored().size(), result.toString());
    assertEquals(false, result.ignored().get(0).unsafeKey());
    assertTrue(result.ignored().get(0).reason().contains("s3://" + BUCKET + "/" + PREFIX), result.toString());
    assertEquals(true, result.ignored().get(1).unsafeKey());
  }

  @Test
  void ofABatchOnlyTheNewestEventCountsAndOlderOnesLaterAreStale() {
    String id = "ordered.txt";
    put(id, "The lighthouse keeper logged the gale at midnight.");
    DocumentResult indexed =
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "0B"), created(BUCKET, PREFIX + id, "0A"))));
    assertEquals(DocumentResult.Status.INDEXED, indexed.status());
    assertEquals("0B", indexed.newest().sequencer());
    assertEquals(2, indexed.events().size());

    store.delete(PREFIX + id);
    DocumentResult late = only(reconciler.reconcile(List.of(removed(id, "0A"))));
    assertEquals(DocumentResult.Status.STALE, late.status());
    assertEquals("0B", late.detail(), "the sequencer the commit holds");
    assertTrue(indexed(id).isPresent(), "a late delete changes nothing");

    assertEquals(DocumentResult.Status.DELETED, only(reconciler.reconcile(List.of(removed(id, "0C")))).status());
    put(id, "The lighthouse keeper was relieved at dawn.");
    assertEquals(DocumentResult.Status.STALE,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "0BFF")))).status(),
        "a creation older than the delete cannot bring the document back");
    assertEquals(Optional.empty(), indexed(id));
  }

  /**
   * Changes without a sequencer (the command line; an event that names none) cannot be ordered: they always apply,
   * and leave the order S3 events recorded as it is.
   */
  @Test
  void changesWithoutASequencerAlwaysApplyAndKeepTheRecordedOrder() throws Exception {
    String id = "unordered.txt";
    put(id, "The ferry to Inchkeith sails at nine.");
    assertEquals(DocumentResult.Status.INDEXED,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "50")))).status());

    Path local = Files.writeString(work.resolve("cli-" + id), "The ferry to Inchkeith no longer sails.");
    IngestOutcome cli = service.ingestAll(List.of(new DocumentSource(id, local, "cli"))).getFirst();
    assertEquals(IngestOutcome.Status.INDEXED, cli.status(), "applied although the commit holds sequencer 50");
    assertEquals("cli", indexed(id).orElseThrow().sourceVersion());

    put(id, "The ferry to Inchkeith sails at ten.");
    assertEquals(DocumentResult.Status.STALE,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "40")))).status(), "the S3 order is kept");
    assertEquals(DocumentResult.Status.INDEXED,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, null)))).status(),
        "an event without a sequencer applies");
    assertEquals(DocumentResult.Status.UNCHANGED,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "51")))).status(),
        "a newer sequencer of the same content is recorded");
    assertEquals(DocumentResult.Status.STALE,
        only(reconciler.reconcile(List.of(created(BUCKET, PREFIX + id, "51")))).status());
  }

  private static DocumentResult only(EventReconciler.Reconciliation reconciliation) {
    assertEquals(List.of(), reconciliation.ignored());
    assertEquals(1, reconciliation.documents().size(), reconciliation.toString());
    return reconciliation.documents().getFirst();
  }

  private static Optional<IndexedDocument> indexed(String id) {
    return service.documents().stream().filter(d -> d.documentId().equals(id)).findFirst();
  }

  private static void put(String id, String text) {
    store.put(PREFIX + id, text.getBytes(StandardCharsets.UTF_8), new PutCondition.Always());
  }

  private static DocumentEvent created(String bucket, String key, String sequencer) {
    return new DocumentEvent(DocumentEvent.Kind.CREATED, bucket, key, "etag", null, sequencer, null);
  }

  private static DocumentEvent removed(String id, String sequencer) {
    return new DocumentEvent(DocumentEvent.Kind.REMOVED, BUCKET, PREFIX + id, null, null, sequencer, null);
  }
}
