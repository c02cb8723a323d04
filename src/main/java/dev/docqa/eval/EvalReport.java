package dev.docqa.eval;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one evaluation run measured.
 *
 * @param overall EM and F1 over every question, in percent, as the official script's {@code exact}/{@code f1}/{@code
 *     total}
 * @param hasAnswer the same over answerable questions; {@code null} when there are none
 * @param noAnswer the same over unanswerable questions; {@code null} when there are none (every v1.1 file)
 * @param recallAtK for each depth in {@link #RECALL_DEPTHS}, the share of answerable questions with a gold answer span in
 *     one of the first k retrieved passages; empty when nothing was retrieved (gold mode, or no answerable questions)
 * @param latencyP50Ms median wall time of one question (retrieval + reading, or reading alone in gold mode)
 * @param latencyP95Ms 95th percentile of the same
 * @param retriever {@code bm25}, {@code dense}, {@code hybrid}, or {@code gold} when each question's own paragraph was read
 * @param topK passages handed to the reader per question (1 in gold mode)
 */
public record EvalReport(
    Scores overall,
    Scores hasAnswer,
    Scores noAnswer,
    Map<Integer, Double> recallAtK,
    double latencyP50Ms,
    double latencyP95Ms,
    String retriever,
    int topK) {

  /** The retrieval depths recall is reported at. */
  public static final List<Integer> RECALL_DEPTHS = List.of(1, 5, 10, 20);

  public EvalReport {
    Objects.requireNonNull(overall, "overall");
    Objects.requireNonNull(retriever, "retriever");
    recallAtK = Collections.unmodifiableMap(new TreeMap<>(recallAtK));
  }

  /**
   * EM and F1 over a group of questions.
   *
   * @param exact mean exact match, in percent
   * @param f1 mean F1, in percent
   * @param total questions in the group (at least 1)
   */
  public record Scores(double exact, double f1, int total) {
    public Scores {
      if (total < 1) {
        throw new IllegalArgumentException("a score group needs at least one question; total=" + total);
      }
    }
  }
}
