package dev.docqa.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.IngestOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation's orchestration, run against a small word-overlap system defined here whose answers are known in
 * advance: the answer is always the last word of the best passage.
 */
class SquadEvaluationTest {

  private static final String DATA = """
      {"version": "v2.0", "data": [
        {"title": "Rivers/Europe", "paragraphs": [
          {"context": "The Rhine flows north", "qas": [
            {"id": "a", "question": "Where does the Rhine flow?", "answers": [{"text": "north", "answer_start": 16}]}]},
          {"context": "The Danube flows east", "qas": [
            {"id": "b", "question": "Where does the Danube flow?", "answers": [{"text": "east", "answer_start": 17}]},
            {"id": "c", "question": "Which fish swims in the Danube?", "answers": []}]}]},
        {"title": "Mountains", "paragraphs": [
          {"context": "Mont Blanc is made of granite", "qas": [
            {"id": "d", "question": "What is Mont Blanc made of?", "answers": [{"text": "Granite", "answer_start": 22}]}]}]}
      ]}""";

  private final SquadEvaluation evaluation =
      new SquadEvaluation(new RetrievalSettings(RetrieverMode.BM25, 2), (done, total) -> {});

  @Test
  void openModeIndexesArticlesAsDocumentsAndScoresEveryQuestion() throws IOException {
    SquadDataset dataset = SquadDatasetTest.parse(DATA);
    List<Path> directories = new ArrayList<>();
    List<Integer> progress = new ArrayList<>();
    SquadEvaluation tracked =
        new SquadEvaluation(new RetrievalSettings(RetrieverMode.BM25, 2), (done, total) -> progress.add(done));

    EvalReport report = tracked.openBook(dataset, directory -> {
      directories.add(directory);
      return new WordOverlapQa();
    });

    // a: north, b: east, d: granite vs "Granite" are right; c is unanswerable but answered "east" (0).
    assertEquals(75.0, report.overall().exact(), 1e-9);
    assertEquals(75.0, report.overall().f1(), 1e-9);
    assertEquals(3, report.hasAnswer().total());
    assertEquals(new EvalReport.Scores(0, 0, 1), report.noAnswer());
    // d's gold "Granite" is in no passage's text (case differs), but its offsets lie inside the Mont Blanc passage.
    assertEquals(Map.of(1, 1.0, 5, 1.0, 10, 1.0, 20, 1.0), report.recallAtK());
    assertEquals("bm25", report.retriever());
    assertEquals(2, report.topK());
    assertEquals(List.of(1, 2, 3, 4), progress);
    assertFalse(Files.exists(directories.getFirst()), "the temporary index is deleted");
  }

  @Test
  void goldModeReadsEachQuestionsOwnParagraph() throws IOException {
    EvalReport report = evaluation.goldParagraph(SquadDatasetTest.parse(DATA), new WordOverlapQa());
    assertEquals(75.0, report.overall().exact(), 1e-9);
    assertEquals("gold", report.retriever());
    assertEquals(1, report.topK());
    assertTrue(report.recallAtK().isEmpty());
    assertTrue(report.latencyP95Ms() >= report.latencyP50Ms());
  }

  @Test
  void aDocumentThatFailsToIndexStopsTheRunWithItsCause() throws IOException {
    SquadDataset dataset = SquadDatasetTest.parse(DATA);
    DocqaException e = assertThrows(DocqaException.class, () -> evaluation.openBook(dataset, directory ->
        new WordOverlapQa() {
          @Override
          public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
            return new IngestOutcome(documentId, IngestOutcome.Status.FAILED, 0, "disk full");
          }
        }));
    assertEquals("could not index SQuAD article 0001-Rivers_Europe.txt: disk full", e.getMessage());
  }

  @Test
  void articlesBecomeDocumentsWithParagraphsJoinedByABlankLine(@TempDir Path directory) throws IOException {
    List<SquadEvaluation.ArticleDocument> documents =
        SquadEvaluation.writeDocuments(SquadDatasetTest.parse(DATA), directory);
    assertEquals("The Rhine flows north\n\nThe Danube flows east", Files.readString(documents.getFirst().file()));
    assertEquals(List.of(0, 23), documents.getFirst().paragraphStarts());
    assertEquals(List.of("0001-Rivers_Europe.txt", "0002-Mountains.txt"),
        documents.stream().map(SquadEvaluation.ArticleDocument::id).toList());
  }

  /**
   * Paragraph passages ranked by words shared with the question; the answer is the last word of the first passage read.
   */
  private static class WordOverlapQa implements DocQa {
    private final List<Passage> passages = new ArrayList<>();

    @Override
    public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
      try {
        String text = Files.readString(content);
        int start = 0;
        for (String paragraph : text.split("\n\n")) {
          passages.add(new Passage(documentId, passages.size(), paragraph, start, start + paragraph.length(), null));
          start += paragraph.length() + 2;
        }
        return new IngestOutcome(documentId, IngestOutcome.Status.INDEXED, passages.size(), null);
      } catch (IOException e) {
        throw new DocqaException("cannot read " + content, e);
      }
    }

    @Override
    public boolean delete(String documentId) {
      throw new UnsupportedOperationException("the evaluation never deletes");
    }

    @Override
    public List<Passage> retrieve(String question, Integer topK, RetrieverMode mode) {
      Set<String> words = words(question);
      return passages.stream()
          .sorted(Comparator.comparingLong((Passage p) -> -words(p.text()).stream().filter(words::contains).count()))
          .limit(topK)
          .toList();
    }

    @Override
    public AskResult ask(AskRequest request) {
      return read(request.question(), retrieve(request.question(), request.topK(), request.retriever()), 0);
    }

    @Override
    public AskResult read(String question, List<Passage> passages, int alternatives) {
      return new AskResult(lastWord(passages.getFirst()), List.of(), Map.of("read", 0.0));
    }

    @Override
    public void close() {}
  }

  private static Answer lastWord(Passage passage) {
    int start = passage.text().lastIndexOf(' ') + 1;
    return new Answer(passage.text().substring(start), 1, 1, passage, start, passage.text().length());
  }

  private static Set<String> words(String text) {
    return Arrays.stream(text.toLowerCase(Locale.ROOT).split("\\W+")).collect(Collectors.toSet());
  }
}
