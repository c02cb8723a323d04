package dev.docqa.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import dev.docqa.config.IngestSettings;
import dev.docqa.ingestion.DocumentRejectedException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentExtractorTest {

  private static final String UNICODE = "Café crème, naïve façade — 東京の灯台は夜に光る。 Emoji 🚢🌊 and ½ ∑ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n";
  private static final String LATIN = "Café crème brûlée, naïve façade, Ærøskøbing, señor.\nSecond line ends here.\n";

  private static DocumentExtractor extractor;

  @BeforeAll
  static void open() {
    extractor = new DocumentExtractor(IngestSettings.defaults());
  }

  @AfterAll
  static void close() {
    extractor.close();
  }

  @Test
  void pdfKeepsPageBoundariesAsCodePointOffsets() {
    byte[] pdf = TestDocuments.pdf(List.of(
        "The keeper of Varnholm light logs the weather at dusk.",
        "Page two describes the fog signal, a diaphone fed by compressed air.",
        "The third page lists the lamp: a rotating Fresnel lens of the first order."));
    ExtractedDocument doc = extractor.extract("reports/varnholm.pdf", pdf);

    assertEquals("application/pdf", doc.mediaType());
    assertNull(doc.charset());
    assertEquals(3, doc.pageCount());
    assertEquals(1, doc.pageAt(codePointIndexOf(doc.text(), "keeper of Varnholm")));
    assertEquals(2, doc.pageAt(codePointIndexOf(doc.text(), "diaphone")));
    assertEquals(3, doc.pageAt(codePointIndexOf(doc.text(), "Fresnel lens")));
    assertEquals(3, doc.pageAt(doc.text().codePointCount(0, doc.text().length()) - 1));
  }

  @Test
  void attachmentsStayOutOfTheCanonicalText() {
    byte[] pdf = TestDocuments.pdfWithAttachment("The report itself.", "Attached notes that are not the report.");
    ExtractedDocument doc = extractor.extract("with-attachment.pdf", pdf);
    assertTrue(doc.text().contains("The report itself."), doc.text());
    assertFalse(doc.text().contains("Attached notes"), doc.text());
  }

  @Test
  void docxParagraphsBecomeText() {
    byte[] docx = TestDocuments.docx(List.of("Kestrel pipes are lazy by default.", "Ünïcödé stays: 水道 🚰"));
    ExtractedDocument doc = extractor.extract("lang/kestrel.docx", docx);

    assertEquals(DocumentExtractor.DOCX.toString(), doc.mediaType());
    assertTrue(doc.text().contains("Kestrel pipes are lazy by default."), doc.text());
    assertTrue(doc.text().contains("Ünïcödé stays: 水道 🚰"), doc.text());
    assertEquals(0, doc.pageCount());
    assertNull(doc.pageAt(0));
  }

  @Test
  void htmlKeepsBodyTextAsRenderedAndDropsScripts() {
    String html = "<!DOCTYPE html><html><head><title>Tide tables</title><script>var secret = 42;</script>"
        + "<style>p { color: red }</style></head><body>\n  <h1>Harbour   tides</h1>\n"
        + "  <p>High water at <b>Port Ellery</b> comes\n    40 minutes after Dover. </p>\n"
        + "  <pre>keep   this\n  layout</pre></body></html>";
    ExtractedDocument doc = extractor.extract("tides.html", html.getBytes(StandardCharsets.UTF_8));

    assertEquals("text/html", doc.mediaType());
    assertEquals("Harbour tides\nHigh water at Port Ellery comes 40 minutes after Dover.\nkeep   this\n  layout\n",
        doc.text());
    assertFalse(doc.text().contains("secret"), doc.text());
    assertFalse(doc.text().contains("color"), doc.text());
  }

  @Test
  void markdownStaysSourceText() {
    String markdown = "# Kestrel\r\n\r\n*Kestrel* is a **made-up** language.\r\n\r\n- item one\r\n- item two\r\n";
    ExtractedDocument doc = extractor.extract("docs/kestrel.md", markdown.getBytes(StandardCharsets.UTF_8));

    assertEquals("text/markdown", doc.mediaType());
    assertEquals(markdown, doc.text(), "Markdown markup and CRLF are kept so offsets index the file");
  }

  @ParameterizedTest(name = "{0} bom={1}")
  @CsvSource({
    "UTF-8, false, unicode", "UTF-8, true, unicode",
    "UTF-16LE, true, unicode", "UTF-16BE, true, unicode",
    "UTF-16LE, false, latin", "UTF-16BE, false, latin",
    "ISO-8859-1, false, latin", "windows-1252, false, latin"
  })
  void plainTextIsExactlyTheDecodedFile(String charsetName, boolean bom, String sample) {
    String text = sample.equals("unicode") ? UNICODE.repeat(3) : LATIN.repeat(3);
    Charset charset = Charset.forName(charsetName);
    byte[] body = text.getBytes(charset);
    byte[] bytes = bom ? concat(bomFor(charset), body) : body;

    ExtractedDocument doc = extractor.extract("notes/" + charsetName + ".txt", bytes);

    assertEquals("text/plain", doc.mediaType());
    assertEquals(text, doc.text(), "decoded with " + doc.charset());
    assertEquals(DocumentExtractor.sha256Hex(text), doc.contentHash());
  }

  @Test
  void crlfAndUnicodeOffsetsIndexTheFileText() {
    String text = "Line one: 東京 🚢.\r\nLine two: é.\r\n";
    ExtractedDocument doc = extractor.extract("crlf.txt", text.getBytes(StandardCharsets.UTF_8));
    assertEquals(text, doc.text());
    assertEquals("UTF-8", doc.charset());
  }

  @Test
  void typeComesFromContentNotName() {
    byte[] pdf = TestDocuments.pdf(List.of("A PDF that calls itself text."));
    assertEquals("application/pdf", extractor.extract("misnamed.txt", pdf).mediaType());

    byte[] html =
        "<html><body><p>An HTML page without its extension.</p></body></html>".getBytes(StandardCharsets.UTF_8);
    assertEquals("text/html", extractor.extract("page.txt", html).mediaType());

    byte[] docx = TestDocuments.docx(List.of("A Word file with no extension."));
    assertEquals(DocumentExtractor.DOCX.toString(), extractor.extract("s3-key-without-extension", docx).mediaType());
  }

  @Test
  void sameTextSameHash() {
    ExtractedDocument a = extractor.extract("a.txt", "Same words.".getBytes(StandardCharsets.UTF_8));
    ExtractedDocument b = extractor.extract("b.txt", "Same words.".getBytes(StandardCharsets.UTF_16));
    ExtractedDocument c = extractor.extract("c.txt", "Other words.".getBytes(StandardCharsets.UTF_8));
    assertEquals(a.contentHash(), b.contentHash());
    assertFalse(a.contentHash().equals(c.contentHash()));
    assertEquals(64, a.contentHash().length());
  }

  @Test
  void badFilesAreRejectedOneByOneBetweenGoodOnes(@TempDir Path dir) throws IOException {
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    byte[] docx = TestDocuments.docx(List.of("A good Word file."));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("good-1.txt", "A good text file.".getBytes(StandardCharsets.UTF_8));
    files.put("junk.pdf", junk);
    files.put("junk.txt", junk);
    files.put("good-2.pdf", TestDocuments.pdf(List.of("A good PDF file.")));
    files.put("locked.pdf", TestDocuments.pdf(List.of("Secret minutes."), "hunter2"));
    files.put("good-3.docx", docx);
    files.put("empty.txt", new byte[0]);
    files.put("blank.txt", " \n\t\r\n ".getBytes(StandardCharsets.UTF_8));
    files.put("truncated.docx", Arrays.copyOf(docx, docx.length / 2));
    files.put("image.png", concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, junk));
    files.put("good-4.html", "<p>A good HTML file.</p>".getBytes(StandardCharsets.UTF_8));
    Map<String, Reason> expected = Map.of(
        "junk.pdf", Reason.CORRUPT,
        "junk.txt", Reason.CORRUPT,
        "locked.pdf", Reason.ENCRYPTED,
        "empty.txt", Reason.EMPTY,
        "blank.txt", Reason.EMPTY,
        "truncated.docx", Reason.CORRUPT,
        "image.png", Reason.UNSUPPORTED);

    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path path = Files.write(dir.resolve(file.getKey()), file.getValue());
      Reason reason = expected.get(file.getKey());
      if (reason == null) {
        ExtractedDocument doc = extractor.extract(file.getKey(), path);
        assertTrue(doc.text().contains("A good"), file.getKey() + ": " + doc.text());
      } else {
        DocumentRejectedException e =
            assertThrows(DocumentRejectedException.class, () -> extractor.extract(file.getKey(), path));
        assertEquals(reason, e.reason(), file.getKey() + ": " + e.getMessage());
        assertEquals(file.getKey(), e.documentId());
        assertTrue(e.getMessage().contains(file.getKey()), e.getMessage());
      }
    }
  }

  @Test
  void concurrentCallersGetTheirOwnDocuments() throws Exception {
    List<byte[]> inputs = List.of(
        TestDocuments.pdf(List.of("Concurrent PDF one.", "Its second page.")),
        TestDocuments.docx(List.of("Concurrent DOCX two.")),
        "<p>Concurrent HTML three.</p>".getBytes(StandardCharsets.UTF_8),
        "Concurrent text four.".getBytes(StandardCharsets.UTF_16));
    List<String> names = List.of("one.pdf", "two.docx", "three.html", "four.txt");
    List<ExtractedDocument> sequential = new java.util.ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      sequential.add(extractor.extract(names.get(i), inputs.get(i)));
    }
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<ExtractedDocument>> futures = new java.util.ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < inputs.size(); i++) {
          int index = i;
          futures.add(callers.submit(() -> extractor.extract(names.get(index), inputs.get(index))));
        }
      }
      for (int f = 0; f < futures.size(); f++) {
        assertEquals(sequential.get(f % inputs.size()), futures.get(f).get());
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void missingFileIsTheCallersMistake(@TempDir Path dir) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> extractor.extract("gone.txt", dir.resolve("gone.txt")));
    assertTrue(e.getMessage().contains("gone.txt"), e.getMessage());
  }

  @Test
  void sizeLimitIsCheckedBeforeParsing(@TempDir Path dir) throws IOException {
    IngestSettings small = IngestSettings.defaults().withMaxDocumentBytes(1000);
    byte[] big = "Too long. ".repeat(101).getBytes(StandardCharsets.UTF_8);
    byte[] fits = "Just right. ".repeat(80).getBytes(StandardCharsets.UTF_8);
    try (DocumentExtractor limited = new DocumentExtractor(small)) {
      Path file = Files.write(dir.resolve("big.txt"), big);
      DocumentRejectedException fromPath =
          assertThrows(DocumentRejectedException.class, () -> limited.extract("big.txt", file));
      assertEquals(Reason.TOO_LARGE, fromPath.reason());
      assertTrue(fromPath.getMessage().contains("maxDocumentBytes=1000"), fromPath.getMessage());
      assertTrue(fromPath.getMessage().contains(big.length + " bytes"), "size checked first: " + fromPath.getMessage());
      assertEquals(Reason.TOO_LARGE, assertThrows(DocumentRejectedException.class,
          () -> limited.extract("big.txt", new ByteArrayInputStream(big))).reason());
      assertEquals(Reason.TOO_LARGE,
          assertThrows(DocumentRejectedException.class, () -> limited.extract("big.txt", big)).reason());
      assertEquals(new String(fits, StandardCharsets.UTF_8), limited.extract("fits.txt", fits).text());
    }
  }

  @Test
  void extractedTextLimitStopsTheParse() {
    IngestSettings settings = IngestSettings.defaults().withMaxExtractedChars(10_000);
    String html = "<html><body>" + "<p>Paragraph of moderate length.</p>".repeat(1000) + "</body></html>";
    try (DocumentExtractor limited = new DocumentExtractor(settings)) {
      DocumentRejectedException e = assertThrows(DocumentRejectedException.class,
          () -> limited.extract("long.html", html.getBytes(StandardCharsets.UTF_8)));
      assertEquals(Reason.TOO_LARGE, e.reason());
      assertTrue(e.getMessage().contains("maxExtractedChars=10000"), e.getMessage());
    }
  }

  @Test
  void decompressionBombIsRejected() {
    byte[] bomb = TestDocuments.inflatingDocx(40_000_000);
    assertTrue(bomb.length < 200_000, "bomb is small: " + bomb.length);
    DocumentRejectedException e =
        assertThrows(DocumentRejectedException.class, () -> extractor.extract("bomb.docx", bomb));
    assertEquals(Reason.SUSPICIOUS_EXPANSION, e.reason(), e.getMessage());
  }

  @Test
  void timeLimitCancelsTheParseAndLeavesTheExtractorUsable() throws InterruptedException {
    StringBuilder html = new StringBuilder("<html><body>");
    for (int i = 0; i < 100_000; i++) {
      html.append("<div><p>Cell ").append(i).append(" of a table that takes a while to parse.</p></div>");
    }
    byte[] slow = html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
    IngestSettings settings = IngestSettings.defaults().withExtractionTimeout(Duration.ofMillis(1));
    try (DocumentExtractor hurried = new DocumentExtractor(settings)) {
      DocumentRejectedException e =
          assertThrows(DocumentRejectedException.class, () -> hurried.extract("slow.html", slow));
      assertEquals(Reason.TIMEOUT, e.reason());
      assertTrue(e.getMessage().contains("extractionTimeout=PT0.001S"), e.getMessage());
    }
    assertTrue(extractor.extract("next.txt", "The next document is fine.".getBytes(StandardCharsets.UTF_8))
        .text().startsWith("The next"));
    // The cancelled worker stops at its next SAX event instead of parsing on in the background.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (workersAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(workersAlive(), "extraction worker still running after cancellation");
  }

  private static boolean workersAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("docqa-extract-"));
  }

  static int codePointIndexOf(String text, String needle) {
    int utf16 = text.indexOf(needle);
    assertTrue(utf16 >= 0, "'" + needle + "' not in: " + text);
    return text.codePointCount(0, utf16);
  }

  private static byte[] bomFor(Charset charset) {
    return switch (charset.name()) {
      case "UTF-8" -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
      case "UTF-16LE" -> new byte[] {(byte) 0xFF, (byte) 0xFE};
      case "UTF-16BE" -> new byte[] {(byte) 0xFE, (byte) 0xFF};
      default -> throw new IllegalArgumentException("no BOM for " + charset);
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
