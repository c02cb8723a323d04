package dev.docqa.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelResolver;
import dev.docqa.reading.Answer;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.storage.LocalObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library end to end on the real pieces: Tika extraction, tokenizer-sized passages, the MiniLM embedder, a Lucene
 * index published to a local object store, hybrid retrieval and the TorchScript reader (the default trained reader;
 * answers are checked for provenance and offsets here, for meaning in CommandLineEndToEndTest).
 */
class DocQaServiceTest {

  private static final Path SAMPLES = Path.of("samples/documents");

  @TempDir static Path work;
  private static LocalObjectStore store;
  private static DocQaService docqa;

  @BeforeAll
  static void ingestSamples() throws IOException {
    store = new LocalObjectStore(work.resolve("store"));
    docqa = open("cache-a");
    try (Stream<Path> files = Files.list(SAMPLES)) {
      for (Path file : files.sorted().toList()) {
        IngestOutcome outcome = docqa.ingest(file.getFileName().toString(), file, "v1");
        assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
        assertTrue(outcome.passages() > 0, outcome.toString());
      }
    }
  }

  @AfterAll
  static void close() {
    docqa.close();
    store.close();
  }

  private static DocQaService open(String cache) {
    DocqaSettings defaults = DocqaSettings.defaults();
    StorageSettings storage = defaults.storage();
    DocqaSettings settings = defaults.withStorage(new StorageSettings(work.resolve("store").toString(),
        work.resolve(cache), Duration.ZERO, storage.documentPrefix(), storage.indexPrefix(), storage.gcGrace(),
        null, storage.s3Region(), false));
    return DocQaService.open(settings, store, ModelResolver.withoutS3(work.resolve(cache).resolve("models")));
  }

  @Test
  void answersWithProvenanceAndOffsetsIntoTheDocumentText() throws IOException {
    AskResult result = docqa.ask(new AskRequest(
        "Who was the longest-serving principal keeper of Varnholm Light?", 5, RetrieverMode.HYBRID, null, 3));

    Answer answer = result.answer();
    assertNotNull(answer, "the tiny reader always finds some span when no-answer is off");
    String document = Files.readString(SAMPLES.resolve(answer.passage().documentId()), StandardCharsets.UTF_8);
    if (answer.passage().documentId().endsWith(".txt")) {
      // Plain text is kept exactly as decoded, so offsets index the file itself.
      assertEquals(answer.text(), codePoints(document, answer.documentStart(), answer.documentEnd()));
    }
    assertEquals(answer.text(), codePoints(answer.passage().text(), answer.start(), answer.end()));
    assertTrue(result.alternatives().size() <= 3);
    assertTrue(result.timingsMs().containsKey("retrieve") && result.timingsMs().containsKey("read"));
  }

  @Test
  void retrievalFindsTheRightDocumentAndPdfPagesSurvive() {
    List<Passage> lighthouse = docqa.retrieve("Who tended the lamp from 1921 to 1958?", 3, RetrieverMode.BM25);
    assertEquals("varnholm-lighthouse.txt", lighthouse.getFirst().documentId());

    List<Passage> harbour = docqa.retrieve("harbour report", 20, RetrieverMode.BM25).stream()
        .filter(p -> p.documentId().endsWith(".pdf")).toList();
    assertFalse(harbour.isEmpty());
    harbour.forEach(p -> assertNotNull(p.page(), "PDF passages know their page: " + p));
  }

  @Test
  void reingestIsNoOpReplaceSwapsPassagesAndDeleteRemovesThem() throws IOException {
    Path file = work.resolve("notes.txt");
    Files.writeString(file, "The quartermaster of the Zephyr kept a green ledger of cargo.", StandardCharsets.UTF_8);
    assertEquals(IngestOutcome.Status.INDEXED, docqa.ingest("notes.txt", file, "1").status());
    assertEquals(IngestOutcome.Status.UNCHANGED, docqa.ingest("notes.txt", file, "2").status());

    Files.writeString(file, "The purser of the Halcyon kept a crimson ledger of passengers.", StandardCharsets.UTF_8);
    assertEquals(IngestOutcome.Status.INDEXED, docqa.ingest("notes.txt", file, "3").status());
    List<Passage> hits = docqa.retrieve("ledger quartermaster purser", 50, RetrieverMode.BM25).stream()
        .filter(p -> p.documentId().equals("notes.txt")).toList();
    assertEquals(1, hits.size(), "a replaced document never leaves its old passages behind");
    assertTrue(hits.getFirst().text().contains("Halcyon"));

    assertTrue(docqa.delete("notes.txt"));
    assertFalse(docqa.delete("notes.txt"));
    assertTrue(docqa.retrieve("ledger quartermaster purser", 50, RetrieverMode.BM25).stream()
        .noneMatch(p -> p.documentId().equals("notes.txt")));
  }

  @Test
  void aBadFileFailsAloneAndLeavesTheIndexAsItWas() throws IOException {
    Path junk = work.resolve("junk.pdf");
    Files.write(junk, new byte[] {0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x00, (byte) 0xff, 0x13, 0x37});
    int before = docqa.retrieve("Varnholm", 1000, RetrieverMode.BM25).size();
    IngestOutcome outcome = docqa.ingest("junk.pdf", junk, "1");
    assertEquals(IngestOutcome.Status.FAILED, outcome.status());
    assertTrue(outcome.error().contains("junk.pdf"), outcome.error());
    assertEquals(before, docqa.retrieve("Varnholm", 1000, RetrieverMode.BM25).size());
  }

  @Test
  void aBatchIsOneCommitWithAnOutcomePerDocumentInOrder() throws IOException {
    Path first = work.resolve("batch-first.txt");
    Path second = work.resolve("batch-second.md");
    Path junk = work.resolve("batch-junk.pdf");
    Files.writeString(first, "The cartographer of Lindqvist Bay mapped eleven tidal channels.", StandardCharsets.UTF_8);
    Files.writeString(second, "# Orrin\n\nThe Orrin ferry sails twice daily to the salt islands.", StandardCharsets.UTF_8);
    Files.write(junk, new byte[] {0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x00, (byte) 0xff});
    int manifests = manifestCount();

    List<IngestOutcome> outcomes = docqa.ingestAll(List.of(
        new DocumentSource("batch-first.txt", first, "1"),
        new DocumentSource("batch-junk.pdf", junk, "1"),
        new DocumentSource("batch-missing.txt", work.resolve("no-such-file.txt"), "1"),
        new DocumentSource("varnholm-lighthouse.txt", SAMPLES.resolve("varnholm-lighthouse.txt"), "v2"),
        new DocumentSource("batch-second.md", second, "1")));

    assertEquals(List.of("batch-first.txt", "batch-junk.pdf", "batch-missing.txt", "varnholm-lighthouse.txt",
        "batch-second.md"), outcomes.stream().map(IngestOutcome::documentId).toList());
    assertEquals(List.of(IngestOutcome.Status.INDEXED, IngestOutcome.Status.FAILED, IngestOutcome.Status.FAILED,
        IngestOutcome.Status.UNCHANGED, IngestOutcome.Status.INDEXED),
        outcomes.stream().map(IngestOutcome::status).toList());
    assertTrue(outcomes.get(2).error().contains("no-such-file.txt"), outcomes.get(2).error());
    assertEquals(manifests + 1, manifestCount(), "two new documents, one published commit");
    assertTrue(docqa.retrieve("cartographer tidal channels", 5, RetrieverMode.BM25).stream()
        .anyMatch(p -> p.documentId().equals("batch-first.txt")));
    assertTrue(docqa.retrieve("Orrin ferry salt islands", 5, RetrieverMode.BM25).stream()
        .anyMatch(p -> p.documentId().equals("batch-second.md")));

    assertEquals(List.of(IngestOutcome.Status.UNCHANGED, IngestOutcome.Status.UNCHANGED), docqa.ingestAll(List.of(
        new DocumentSource("batch-first.txt", first, "2"), new DocumentSource("batch-second.md", second, "2")))
        .stream().map(IngestOutcome::status).toList());
    assertEquals(manifests + 1, manifestCount(), "nothing changed, nothing published");
    assertEquals(List.of(), docqa.ingestAll(List.of()));
  }

  @Test
  void aBatchNamingOneDocumentTwiceIsRejectedBeforeAnyWork() throws IOException {
    Path file = work.resolve("twice.txt");
    Files.writeString(file, "The twice-named document must not be guessed at.", StandardCharsets.UTF_8);
    int manifests = manifestCount();
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> docqa.ingestAll(List.of(
        new DocumentSource("twice.txt", file, "1"), new DocumentSource("twice.txt", file, "2"))));
    assertTrue(e.getMessage().contains("twice.txt"), e.getMessage());
    assertEquals(manifests, manifestCount());
  }

  private static int manifestCount() {
    return store.list(StorageSettings.DEFAULT_INDEX_PREFIX + "manifests/").size();
  }

  @Test
  void anotherProcessSeesThePublishedIndex() {
    try (DocQaService second = open("cache-b")) {
      List<Passage> hits = second.retrieve("Kestrel language", 5, RetrieverMode.HYBRID);
      assertFalse(hits.isEmpty());
    }
  }

  @Test
  void badQuestionsAreInvalidInputAndAnEmptyIndexSaysSo() {
    assertThrows(InvalidInputException.class, () -> docqa.ask(AskRequest.of("   ")));
    assertThrows(InvalidInputException.class,
        () -> docqa.ask(new AskRequest("lighthouse", 0, null, null, 0)));
    try (LocalObjectStore empty = new LocalObjectStore(work.resolve("empty-store"));
        DocQaService none = DocQaService.open(DocqaSettings.defaults().withStorage(new StorageSettings(
            work.resolve("empty-store").toString(), work.resolve("cache-empty"), Duration.ZERO,
            StorageSettings.DEFAULT_DOCUMENT_PREFIX, StorageSettings.DEFAULT_INDEX_PREFIX,
            StorageSettings.DEFAULT_GC_GRACE, null, StorageSettings.DEFAULT_S3_REGION, false)),
            empty, ModelResolver.withoutS3(work.resolve("cache-empty")))) {
      assertThrows(EmptyIndexException.class, () -> none.ask(AskRequest.of("Who designed Varnholm Light?")));
    }
  }

  private static String codePoints(String text, int start, int end) {
    int from = text.offsetByCodePoints(0, start);
    return text.substring(from, text.offsetByCodePoints(from, end - start));
  }
}
