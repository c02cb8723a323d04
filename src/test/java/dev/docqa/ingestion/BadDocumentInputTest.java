package dev.docqa.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.LocalDocQa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-document catalogue through {@link dev.docqa.service.DocQa#ingest} on the real service: each bad file is a
 * {@code FAILED} outcome naming the document, with the published index untouched, and the service goes on indexing
 * good documents. The extractor-level cases (junk with a PDF header, locked PDF, empty and blank text, truncated DOCX,
 * PNG, size, text and time limits, a DOCX bomb) are in {@link DocumentExtractorTest}; here each bad file goes through
 * the whole ingest path instead.
 */
class BadDocumentInputTest {

  @TempDir static Path work;
  private static LocalDocQa docqa;

  @BeforeAll
  static void open() throws IOException {
    docqa = LocalDocQa.open(work);
    Path seed = Files.writeString(work.resolve("seed.txt"), "Ingrid Solberg kept Varnholm Light from 1921 to 1958.");
    assertEquals(IngestOutcome.Status.INDEXED, docqa.service().ingest("seed.txt", seed, "1").status());
  }

  @AfterAll
  static void close() {
    docqa.close();
  }

  static Stream<Arguments> badDocuments() throws IOException {
    byte[] junk = new byte[8192];
    new Random(8).nextBytes(junk);
    byte[] pdf = TestDocuments.pdf(List.of("The harbour report of Kestrel Bay.", "Page two of the report."));
    byte[] elf = concat(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, junk);
    byte[] jpeg = concat(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0},
        junk);
    return Stream.of(
        argumentSet("empty file named .pdf", "empty.pdf", new byte[0]),
        argumentSet("random bytes named .pdf (no header)", "random.pdf", junk),
        argumentSet("truncated PDF", "truncated.pdf", Arrays.copyOf(pdf, pdf.length * 3 / 5)),
        argumentSet("PDF locked with a user password", "locked.pdf", TestDocuments.pdf(List.of("Minutes."), "hunter2")),
        argumentSet("PDF with only a blank page", "blank.pdf", TestDocuments.pdf(List.of(""))),
        argumentSet("DOCX zip bomb (40 MB of text in a small zip)", "bomb.docx", TestDocuments.inflatingDocx(40_000_000)),
        argumentSet("ZIP archive named .txt", "archive.txt", zip("notes.txt", "Not a text file.")),
        argumentSet("ELF executable named .txt", "tool.txt", elf),
        argumentSet("JPEG image", "photo.jpg", jpeg),
        argumentSet("64 KB of NUL bytes named .txt", "nulls.txt", new byte[65_536]),
        argumentSet("HTML with no text", "empty.html",
            "<html><head><title></title><script>var x = 1;</script></head><body> <div></div> </body></html>"
                .getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @MethodSource("badDocuments")
  void aBadDocumentFailsAloneAndLeavesTheIndexAsItWas(String documentId, byte[] content) throws IOException {
    Map<String, String> before = docqa.indexObjects();
    IngestOutcome outcome = docqa.service().ingest(documentId, write(documentId, content), "1");
    assertEquals(IngestOutcome.Status.FAILED, outcome.status(), outcome.toString());
    assertEquals(0, outcome.passages());
    assertTrue(outcome.error().contains(documentId), outcome.error());
    assertFalse(outcome.error().contains("\tat "), outcome.error());
    assertEquals(before, docqa.indexObjects(), "a rejected document publishes nothing");
    assertSeedStillAnswers();
  }

  static Stream<Arguments> badDocumentIds() {
    return Stream.of(argumentSet("null document id", (Object) null), argumentSet("blank document id", " \t "));
  }

  @ParameterizedTest
  @MethodSource("badDocumentIds")
  void aBadDocumentIdIsInvalidInput(String documentId) throws IOException {
    Map<String, String> before = docqa.indexObjects();
    Path file = write("named.txt", "A document with a bad id.".getBytes(StandardCharsets.UTF_8));
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> docqa.service().ingest(documentId, file, "1"));
    assertTrue(e.getMessage().contains("documentId must be non-blank"), e.getMessage());
    assertEquals(before, docqa.indexObjects());
  }

  static Stream<Arguments> unusualButValidDocuments() throws IOException {
    return Stream.of(
        argumentSet("id with spaces", "reports/annual report 2026.txt", text("The annual cormorant census."),
            "cormorant"),
        argumentSet("id with a plus", "notes/a+b=c.txt", text("The plus-sign pelican ledger."), "pelican"),
        argumentSet("id with percent signs", "100% sure %41.txt", text("The percent-sign puffin survey."), "puffin"),
        argumentSet("id in Unicode (accents, CJK, emoji)", "Überblick/文档 \uD83D\uDCC4.txt",
            text("The unicode gannet colony register."), "gannet"),
        argumentSet("PDF with an owner password only", "owner-only.pdf", ownerOnlyPdf("The owner guillemot roster."),
            "guillemot"),
        argumentSet("HTML nested 5000 elements deep", "deep.html", deepHtml(5_000, "The nested shearwater almanac."),
            "shearwater"));
  }

  @ParameterizedTest
  @MethodSource("unusualButValidDocuments")
  void anUnusualButValidDocumentIsIndexedUnderItsExactIdAndDeletable(String documentId, byte[] content, String marker)
      throws IOException {
    IngestOutcome outcome = docqa.service().ingest(documentId, write("upload.bin", content), "1");
    assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
    List<Passage> hits = docqa.service().retrieve(marker, 100, RetrieverMode.BM25);
    assertTrue(hits.stream().anyMatch(p -> p.documentId().equals(documentId)), marker + " -> " + hits);
    hits.stream().filter(p -> p.documentId().equals(documentId))
        .forEach(p -> assertTrue(p.text().length() < 4_000, "passages stay passage-sized: " + p.text().length()));
    assertTrue(docqa.service().delete(documentId));
    assertTrue(docqa.service().retrieve(marker, 100, RetrieverMode.BM25).stream()
        .noneMatch(p -> p.documentId().equals(documentId)));
    assertSeedStillAnswers();
  }

  @Test
  void aSingleLineTextIsSplitIntoManyPassages() throws IOException {
    byte[] line = text("The single line fulmar chronicle. ".repeat(1_500).strip());
    IngestOutcome outcome = docqa.service().ingest("fulmar.txt", write("fulmar.txt", line), "1");
    assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
    assertTrue(outcome.passages() > 20, "a 50 KB line is cut by tokens, not lines: " + outcome);
    assertTrue(docqa.service().delete("fulmar.txt"));
  }

  private static void assertSeedStillAnswers() {
    assertEquals("seed.txt",
        docqa.service().retrieve("Who kept Varnholm Light?", 1, RetrieverMode.BM25).getFirst().documentId());
  }

  private static Path write(String name, byte[] content) throws IOException {
    Path dir = Files.createTempDirectory(work, "upload");
    return Files.write(dir.resolve(name.replaceAll("[^A-Za-z0-9.]", "_")), content);
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] deepHtml(int depth, String text) {
    return text("<html><body>" + "<div>".repeat(depth) + text + "</div>".repeat(depth) + "</body></html>");
  }

  private static byte[] ownerOnlyPdf(String text) throws IOException {
    try (PDDocument document = Loader.loadPDF(TestDocuments.pdf(List.of(text)))) {
      AccessPermission permissions = new AccessPermission();
      permissions.setCanModify(false);
      StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "", permissions);
      policy.setEncryptionKeyLength(128);
      document.protect(policy);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    }
  }

  private static byte[] zip(String name, String content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(text(content));
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
