package dev.docqa.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.indexing.IndexedDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the index holds and where it came from, on the real service (Tika, MiniLM, Lucene on a local store): listing,
 * deleting, files whose source is gone, and the two ways one id or one file could be indexed wrongly (two files under
 * one id; one file under two ids).
 */
class DocumentManagementTest {

  @TempDir static Path work;
  private static LocalDocQa local;

  @BeforeAll
  static void open() {
    local = LocalDocQa.open(work.resolve("index"));
  }

  @AfterAll
  static void close() {
    local.close();
  }

  private static DocQaService docqa() {
    return local.service();
  }

  private static IngestOutcome ingest(String id, Path file) {
    return docqa().ingestAll(List.of(new DocumentSource(id, file, "v1", Origins.ofFile(file)))).getFirst();
  }

  private static Map<String, IndexedDocument> documents() {
    return docqa().documents().stream().collect(Collectors.toMap(IndexedDocument::documentId, Function.identity()));
  }

  private static Path write(String relative, String text) throws IOException {
    Path file = work.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void listsEveryDocumentWithPassagesPagesVersionTimeAndOrigin() throws IOException {
    Path pdf = work.resolve("listing/harbour.pdf");
    Files.createDirectories(pdf.getParent());
    Files.copy(Path.of("samples/documents/port-ellery-harbour-report.pdf"), pdf, StandardCopyOption.REPLACE_EXISTING);
    Instant before = Instant.now().minusSeconds(1);
    IngestOutcome outcome = ingest("listing/harbour.pdf", pdf);
    assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());

    IndexedDocument listed = documents().get("listing/harbour.pdf");
    assertNotNull(listed, documents().keySet().toString());
    assertEquals(outcome.passages(), listed.passages());
    assertTrue(listed.pages() >= 2, "the sample PDF has several pages: " + listed);
    assertEquals("v1", listed.sourceVersion());
    assertEquals(Origins.ofFile(pdf), listed.origin());
    assertTrue(!listed.indexedAt().isBefore(before) && !listed.indexedAt().isAfter(Instant.now()), listed.toString());
  }

  @Test
  void aSecondFileUnderAnIdAnotherFileHoldsIsRefusedNamingBoth() throws IOException {
    Path first = write("a/notes.txt", "The ferry to Saltmere leaves from the north quay at seven.");
    Path second = write("b/notes.txt", "Lanterns in the glass museum are cleaned every Tuesday.");
    assertEquals(IngestOutcome.Status.INDEXED, ingest("notes.txt", first).status());

    IngestOutcome refused = ingest("notes.txt", second);

    assertEquals(IngestOutcome.Status.FAILED, refused.status(), refused.toString());
    assertTrue(refused.error().contains(first.toString()) && refused.error().contains(second.toString()),
        refused.error());
    // The first file's text is still what the id holds.
    List<Passage> hits = docqa().retrieve("ferry north quay", 3, RetrieverMode.BM25);
    assertEquals("notes.txt", hits.getFirst().documentId());
    assertTrue(hits.getFirst().text().contains("north quay"), hits.getFirst().text());
    assertEquals(Origins.ofFile(first), documents().get("notes.txt").origin());

    // Asked to, the other file replaces it (a new version kept elsewhere); then the first one may take it back.
    IngestOutcome replaced = docqa().ingestAll(
        List.of(new DocumentSource("notes.txt", second, "v2", Origins.ofFile(second), true))).getFirst();
    assertEquals(IngestOutcome.Status.INDEXED, replaced.status(), replaced.toString());
    assertEquals(Origins.ofFile(second), documents().get("notes.txt").origin());
    assertEquals(IngestOutcome.Status.FAILED, ingest("notes.txt", first).status());
    assertEquals(IngestOutcome.Status.INDEXED, docqa().ingestAll(
        List.of(new DocumentSource("notes.txt", first, "v3", Origins.ofFile(first), true))).getFirst().status());

    // Once the first file is gone, the id may move to the other file (the folder was renamed, say).
    Files.delete(first);
    assertEquals(IngestOutcome.Status.INDEXED, ingest("notes.txt", second).status());
    assertEquals(Origins.ofFile(second), documents().get("notes.txt").origin());
  }

  @Test
  void theSameFileUnderAnotherIdIsReportedAndNotIndexedTwice() throws IOException {
    Path file = write("parent/child/lighthouse.txt", "Varnholm Light was first lit in 1887 by keeper Oskar Brandt.");
    assertEquals(IngestOutcome.Status.INDEXED, ingest("lighthouse.txt", file).status());
    int before = docqa().documents().size();

    // "ingest parent" after "ingest parent/child": the id now includes the child folder.
    IngestOutcome again = ingest("child/lighthouse.txt", file);

    assertEquals(new IngestOutcome("child/lighthouse.txt", IngestOutcome.Status.DUPLICATE, 0, "lighthouse.txt"),
        again);
    assertEquals(before, docqa().documents().size());
    // Named twice in one batch: the second is the duplicate.
    Path other = write("parent/child/keeper.txt", "Keeper Oskar Brandt kept the log for thirty years.");
    List<IngestOutcome> batch = docqa().ingestAll(List.of(
        new DocumentSource("child/keeper.txt", other, "v1", Origins.ofFile(other)),
        new DocumentSource("keeper.txt", other, "v1", Origins.ofFile(other))));
    assertEquals(List.of(IngestOutcome.Status.INDEXED, IngestOutcome.Status.DUPLICATE),
        batch.stream().map(IngestOutcome::status).toList());
  }

  @Test
  void documentsWhoseFilesAreGoneAreFoundAndDeletedAndNoLongerAnswer() throws IOException {
    Path kept = write("museum/kept.txt", "The harbour office opens at nine and closes at five.");
    Path gone = write("museum/glass-museum.txt", "The glass museum of Port Ellery shows blue Venetian lanterns.");
    assertEquals(IngestOutcome.Status.INDEXED, ingest("museum/kept.txt", kept).status());
    assertEquals(IngestOutcome.Status.INDEXED, ingest("museum/glass-museum.txt", gone).status());
    assertEquals("museum/glass-museum.txt",
        docqa().retrieve("Venetian lanterns glass museum", 1, RetrieverMode.BM25).getFirst().documentId());

    Files.delete(gone);
    List<IndexedDocument> missing = docqa().missingSources(work.resolve("museum"));

    assertEquals(List.of("museum/glass-museum.txt"), missing.stream().map(IndexedDocument::documentId).toList());
    assertEquals(List.of(), docqa().missingSources(work.resolve("elsewhere")));
    assertEquals(List.of("museum/glass-museum.txt"),
        docqa().deleteAll(List.of("museum/glass-museum.txt", "never-indexed.txt")));
    assertTrue(docqa().retrieve("Venetian lanterns glass museum", 10, RetrieverMode.BM25).stream()
        .noneMatch(p -> p.documentId().equals("museum/glass-museum.txt")));
    assertTrue(documents().containsKey("museum/kept.txt"));
    assertEquals(List.of(), docqa().missingSources(work.resolve("museum")));
    assertEquals(List.of(), docqa().deleteAll(List.of("museum/glass-museum.txt")));
  }
}
