package dev.docqa.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.IngestSettings;
import dev.docqa.document.Passage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed samples: each extracts, matches its generator, and holds the answers its question files promise. */
class SamplesTest {

  private static final Path SAMPLES = Path.of("samples");
  private static final Path DOCUMENTS = SAMPLES.resolve("documents");

  private static DocumentExtractor extractor;
  private static final Map<String, ExtractedDocument> extracted = new HashMap<>();

  @BeforeAll
  static void extractAll() throws IOException {
    extractor = new DocumentExtractor(IngestSettings.defaults());
    try (Stream<Path> files = Files.list(DOCUMENTS)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        extracted.put(name, extractor.extract(name, file));
      }
    }
  }

  @AfterAll
  static void close() {
    extractor.close();
  }

  @Test
  void everyFormatIsPresentAndSmall() throws IOException {
    Map<String, String> types = extracted.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().mediaType()));
    Set<String> expected =
        Set.of("text/plain", "text/markdown", "text/html", "application/pdf", DocumentExtractor.DOCX.toString());
    assertEquals(expected, Set.copyOf(types.values()), types.toString());
    long bytes = 0;
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(file);
      }
    }
    assertTrue(bytes < 2_000_000, "samples total " + bytes + " bytes");
    assertEquals(3, extracted.get(SampleDocuments.PDF).pageCount());
    String longText = extracted.get(SampleDocuments.GAZETTEER).text();
    assertTrue(longText.split("\\s+").length > 20_000, "long sample has 20k+ words");
  }

  @Test
  void generatedSamplesMatchTheirGenerator() throws IOException {
    assertEquals(SampleDocuments.gazetteer(),
        Files.readString(DOCUMENTS.resolve(SampleDocuments.GAZETTEER), StandardCharsets.UTF_8),
        "regenerate with src/tools/generate-samples.sh");
    assertEquals(extractor.extract("pdf", TestDocuments.pdf(SampleDocuments.harbourReportPages())).text(),
        extracted.get(SampleDocuments.PDF).text());
    assertEquals(extractor.extract("docx", TestDocuments.docx(SampleDocuments.releaseNotes())).text(),
        extracted.get(SampleDocuments.DOCX).text());
    assertEquals(SampleDocuments.squadJson(DOCUMENTS),
        Files.readString(SAMPLES.resolve(SampleDocuments.SQUAD), StandardCharsets.UTF_8));
  }

  @Test
  void exampleQuestionsHaveVerbatimAnswers() throws IOException {
    List<String> lines = Files.readAllLines(SAMPLES.resolve("questions.txt"), StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .toList();
    Set<String> documentsAsked = new TreeSet<>();
    for (String line : lines) {
      String[] fields = line.split("\t");
      assertEquals(3, fields.length, "question<TAB>answer<TAB>document: " + line);
      ExtractedDocument doc = extracted.get(fields[2]);
      assertTrue(doc != null, "no sample named " + fields[2]);
      assertTrue(doc.text().contains(fields[1]), "'" + fields[1] + "' not in " + fields[2]);
      documentsAsked.add(fields[2]);
    }
    assertTrue(lines.size() >= 20, "questions: " + lines.size());
    assertEquals(new TreeSet<>(extracted.keySet()), documentsAsked, "every sample is asked about");
  }

  @Test
  void squadSampleIsConsistentWithTheDocuments() throws IOException {
    JsonNode root = new ObjectMapper().readTree(SAMPLES.resolve(SampleDocuments.SQUAD).toFile());
    assertEquals("v2.0", root.get("version").asText());
    int questions = 0;
    int impossible = 0;
    for (JsonNode article : root.get("data")) {
      String text = extracted.get(article.get("title").asText()).text();
      for (JsonNode paragraph : article.get("paragraphs")) {
        String context = paragraph.get("context").asText();
        assertTrue(text.contains(context), "context is verbatim document text: " + context);
        int[] codePoints = context.codePoints().toArray();
        for (JsonNode qa : paragraph.get("qas")) {
          questions++;
          boolean isImpossible = qa.get("is_impossible").asBoolean();
          assertEquals(isImpossible, qa.get("answers").isEmpty(), qa.toString());
          impossible += isImpossible ? 1 : 0;
          for (JsonNode answer : qa.get("answers")) {
            String answerText = answer.get("text").asText();
            int start = answer.get("answer_start").asInt();
            assertEquals(answerText,
                new String(codePoints, start, answerText.codePointCount(0, answerText.length())), qa.toString());
          }
        }
      }
    }
    assertTrue(questions >= 10 && questions <= 20, "questions=" + questions);
    assertTrue(impossible >= 2, "unanswerable=" + impossible);
  }

  @Test
  void longSampleSplitsIntoManyPassagesAndPdfPassagesKnowTheirPages() {
    try (HuggingFaceSpanTokenizer tokenizer = TestDocuments.miniLmTokenizer()) {
      PassageSplitter splitter = new PassageSplitter(tokenizer, IngestSettings.defaults());
      List<Passage> passages = splitter.split(SampleDocuments.GAZETTEER, extracted.get(SampleDocuments.GAZETTEER));
      assertTrue(passages.size() > 100, "passages=" + passages.size());

      ExtractedDocument pdf = extracted.get(SampleDocuments.PDF);
      List<Passage> pdfPassages = new PassageSplitter(tokenizer, IngestSettings.defaults().withPassageTokens(24, 4))
          .split(SampleDocuments.PDF, pdf);
      Set<Integer> pages = new TreeSet<>();
      for (Passage p : pdfPassages) {
        pages.add(p.page());
        assertEquals(pdf.pageAt(p.start()), p.page());
      }
      assertEquals(Set.of(1, 2, 3), pages);
      Passage tern = pdfPassages.stream().filter(p -> p.text().contains("named Tern")).findFirst().orElseThrow();
      assertEquals(2, tern.page());
    }
  }
}
