package dev.docqa.service;

import dev.docqa.reading.Answer;
import java.util.List;
import java.util.Map;

/**
 * The answer to a question.
 *
 * @param answer the globally best span, or {@code null} when the model says there is no answer (or nothing was found)
 * @param alternatives the next best spans, best first, without {@code answer}
 * @param timingsMs wall time per phase, e.g. {@code retrieve}, {@code read}, {@code total}
 */
public record AskResult(Answer answer, List<Answer> alternatives, Map<String, Double> timingsMs) {

  public AskResult {
    alternatives = List.copyOf(alternatives);
    timingsMs = Map.copyOf(timingsMs);
  }
}
