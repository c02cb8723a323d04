package dev.docqa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.docqa.document.Passage;
import dev.docqa.eval.EvalReport;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

  static final Passage PASSAGE = new Passage("guide.md", 2, "Docqa splits text into passages.", 100, 132, 3);

  @Test
  void askJsonIsOneLineWithDocumentOffsetsInCodePoints() {
    Answer best = new Answer("passages", 7.5, 0.8, PASSAGE, 23, 31);
    Passage other = new Passage("notes.txt", 0, "🌊 text", 0, 6, null);
    Answer alternative = new Answer("text", 1.25, 0.1, other, 2, 6);
    AskResult result = new AskResult(best, List.of(alternative), Map.of("total", 16.00049, "read", 12.5));

    assertEquals(
        "{\"answer\":\"passages\",\"score\":7.5,\"confidence\":0.8,\"document\":\"guide.md\",\"start\":123,\"end\":131,"
            + "\"page\":3,\"passage\":{\"text\":\"Docqa splits text into passages.\",\"start\":100,\"end\":132},"
            + "\"alternatives\":[{\"answer\":\"text\",\"score\":1.25,\"confidence\":0.1,\"document\":\"notes.txt\","
            + "\"start\":2,\"end\":6,\"page\":null,\"passage\":{\"text\":\"🌊 text\",\"start\":0,\"end\":6}}],"
            + "\"timings_ms\":{\"read\":12.5,\"total\":16.0}}",
        JsonOutput.ask(result));
  }

  @Test
  void noAnswerKeepsEveryKeyWithNullsAndZeros() {
    AskResult result = new AskResult(null, List.of(), Map.of());
    assertEquals(
        "{\"answer\":null,\"score\":0.0,\"confidence\":0.0,\"document\":null,\"start\":0,\"end\":0,\"page\":null,"
            + "\"passage\":null,\"alternatives\":[],\"timings_ms\":{}}",
        JsonOutput.ask(result));
  }

  @Test
  void evalJsonHasTheDocumentedKeys() {
    Map<Integer, Double> recall = new LinkedHashMap<>();
    recall.put(20, 1.0);
    recall.put(1, 0.5);
    recall.put(5, 0.75);
    recall.put(10, 1.0);
    EvalReport report = new EvalReport(new EvalReport.Scores(50, 62.5, 4), new EvalReport.Scores(33.25, 50, 3), null,
        recall, 12.5, 40.0, "hybrid", 5);
    assertEquals(
        "{\"exact\":50.0,\"f1\":62.5,\"total\":4,\"has_ans\":{\"exact\":33.25,\"f1\":50.0,\"total\":3},\"no_ans\":null,"
            + "\"recall_at_k\":{\"1\":0.5,\"5\":0.75,\"10\":1.0,\"20\":1.0},\"latency_ms\":{\"p50\":12.5,\"p95\":40.0},"
            + "\"retriever\":\"hybrid\",\"top_k\":5}",
        JsonOutput.eval(report));
  }

  @Test
  void goldModeRecallIsNull() {
    EvalReport report =
        new EvalReport(new EvalReport.Scores(0, 0, 1), null, new EvalReport.Scores(0, 0, 1), Map.of(), 1, 1, "gold", 1);
    assertEquals("{\"1\":null,\"5\":null,\"10\":null,\"20\":null}",
        JsonOutput.eval(report).replaceAll(".*\"recall_at_k\":(\\{[^}]*}).*", "$1"));
  }
}
