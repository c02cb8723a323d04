package dev.docqa.eval;

import dev.docqa.eval.EvalReport.Scores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects per-question results and turns them into an {@link EvalReport}. Not thread-safe: one per run.
 */
final class ScoreSheet {

  private final SquadScoring scoring;
  private final List<Row> rows = new ArrayList<>();

  /**
   * One scored question.
   *
   * @param goldRank 1-based rank of the first retrieved passage holding a gold span, 0 when none did, {@code null} when
   *     nothing was retrieved for recall
   */
  private record Row(boolean answerable, double exact, double f1, double latencyMs, Integer goldRank) {}

  ScoreSheet(SquadScoring scoring) {
    this.scoring = scoring;
  }

  /** Scores one prediction ({@code ""} for no answer) of a question. */
  void add(SquadDataset.Question question, String prediction, double latencyMs, Integer goldRank) {
    List<String> gold = question.goldTexts();
    rows.add(new Row(
        question.answerable(),
        scoring.exactMax(gold, prediction),
        scoring.f1Max(gold, prediction),
        latencyMs,
        goldRank));
  }

  EvalReport report(String retriever, int topK) {
    if (rows.isEmpty()) {
      throw new IllegalStateException("no question was scored");
    }
    double[] latencies = rows.stream().mapToDouble(Row::latencyMs).sorted().toArray();
    return new EvalReport(
        scores(rows),
        scores(rows.stream().filter(Row::answerable).toList()),
        scores(rows.stream().filter(row -> !row.answerable()).toList()),
        recall(),
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        retriever,
        topK);
  }

  private static Scores scores(List<Row> group) {
    if (group.isEmpty()) {
      return null;
    }
    double exact = group.stream().mapToDouble(Row::exact).sum();
    double f1 = group.stream().mapToDouble(Row::f1).sum();
    return new Scores(100.0 * exact / group.size(), 100.0 * f1 / group.size(), group.size());
  }

  private Map<Integer, Double> recall() {
    List<Row> ranked = rows.stream().filter(row -> row.answerable() && row.goldRank() != null).toList();
    Map<Integer, Double> recall = new LinkedHashMap<>();
    if (ranked.isEmpty()) {
      return recall;
    }
    for (int k : EvalReport.RECALL_DEPTHS) {
      long hits = ranked.stream().filter(row -> row.goldRank() > 0 && row.goldRank() <= k).count();
      recall.put(k, (double) hits / ranked.size());
    }
    return recall;
  }

  /** Linear interpolation between closest ranks (numpy's default), on ascending values. */
  static double percentile(double[] sorted, double quantile) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    if (!isSorted(sorted)) {
      throw new IllegalArgumentException("percentile needs ascending values; got " + Arrays.toString(sorted));
    }
    double rank = quantile * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
  }

  private static boolean isSorted(double[] values) {
    for (int i = 1; i < values.length; i++) {
      if (values[i - 1] > values[i]) {
        return false;
      }
    }
    return true;
  }
}
