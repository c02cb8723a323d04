package dev.docqa.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreSheetTest {

  private static SquadDataset.Question answerable(String id, String... gold) {
    return new SquadDataset.Question(
        id, "q" + id, java.util.Arrays.stream(gold).map(text -> new SquadDataset.GoldAnswer(text, 0)).toList());
  }

  @Test
  void splitsHasAnswerAndNoAnswerAsTheV2Script() {
    ScoreSheet sheet = new ScoreSheet(SquadScoring.V2_0);
    sheet.add(answerable("1", "Denver Broncos"), "Denver Broncos", 10, 1);
    sheet.add(answerable("2", "Denver Broncos"), "Denver", 20, 7); // F1 2/3
    sheet.add(new SquadDataset.Question("3", "q3", List.of()), "", 30, null);
    sheet.add(new SquadDataset.Question("4", "q4", List.of()), "Denver", 40, null);

    EvalReport report = sheet.report("hybrid", 5);

    assertEquals(100.0 * 2 / 4, report.overall().exact(), 1e-9);
    assertEquals(100.0 * (1 + 2.0 / 3 + 1 + 0) / 4, report.overall().f1(), 1e-9);
    assertEquals(4, report.overall().total());
    assertEquals(50.0, report.hasAnswer().exact(), 1e-9);
    assertEquals(100.0 * (1 + 2.0 / 3) / 2, report.hasAnswer().f1(), 1e-9);
    assertEquals(2, report.hasAnswer().total());
    assertEquals(new EvalReport.Scores(50.0, 50.0, 2), report.noAnswer());
    assertEquals(Map.of(1, 0.5, 5, 0.5, 10, 1.0, 20, 1.0), report.recallAtK());
    assertEquals(25.0, report.latencyP50Ms(), 1e-9); // between 20 and 30
    assertEquals(38.5, report.latencyP95Ms(), 1e-9); // rank 2.85: 30 + 0.85 * 10
    assertEquals("hybrid", report.retriever());
    assertEquals(5, report.topK());
  }

  @Test
  void aMissedRetrievalCountsAgainstRecallAtEveryDepth() {
    ScoreSheet sheet = new ScoreSheet(SquadScoring.V1_1);
    sheet.add(answerable("1", "x"), "x", 1, 0);
    sheet.add(answerable("2", "y"), "y", 1, 20);
    EvalReport report = sheet.report("bm25", 3);
    assertEquals(Map.of(1, 0.0, 5, 0.0, 10, 0.0, 20, 0.5), report.recallAtK());
    assertNull(report.noAnswer(), "v1.1 data has no unanswerable questions");
  }

  @Test
  void goldModeHasNoRecall() {
    ScoreSheet sheet = new ScoreSheet(SquadScoring.V2_0);
    sheet.add(answerable("1", "x"), "x", 1, null);
    assertTrue(sheet.report("gold", 1).recallAtK().isEmpty());
  }

  @Test
  void percentilesInterpolateLinearlyBetweenRanks() {
    double[] values = {1, 2, 3, 4};
    assertEquals(2.5, ScoreSheet.percentile(values, 0.5), 1e-12);
    assertEquals(3.85, ScoreSheet.percentile(values, 0.95), 1e-12);
    assertEquals(7.0, ScoreSheet.percentile(new double[] {7}, 0.95), 0);
    assertThrows(IllegalArgumentException.class, () -> ScoreSheet.percentile(new double[] {2, 1}, 0.5));
  }

  @Test
  void anEmptySheetHasNoReport() {
    assertThrows(IllegalStateException.class, () -> new ScoreSheet(SquadScoring.V2_0).report("bm25", 5));
  }
}
