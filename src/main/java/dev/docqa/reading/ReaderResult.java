package dev.docqa.reading;

import java.util.List;
import java.util.Optional;

/**
 * What the reader found for one question.
 *
 * @param answers best first, at most {@code topK}; kept even when {@code noAnswer} so callers can show alternatives
 * @param noAnswer true when nothing was found, or when "no answer" wins (see
 *     {@link ReadOptions#handleImpossibleAnswer})
 * @param nullScore the no-answer score: in {@link ReadOptions.Scoring#GLOBAL_LOGIT} mode the minimum over windows of
 *     the CLS start+end logit sum; in pipeline mode the pipeline's {@code min_null_score} (NaN unless
 *     {@code handleImpossibleAnswer})
 * @param stats windows, batches and time
 */
public record ReaderResult(List<Answer> answers, boolean noAnswer, double nullScore, ReadStats stats) {

  public ReaderResult {
    answers = List.copyOf(answers);
  }

  /** The best answer, or empty when {@link #noAnswer()}. */
  public Optional<Answer> best() {
    return noAnswer || answers.isEmpty() ? Optional.empty() : Optional.of(answers.get(0));
  }
}
