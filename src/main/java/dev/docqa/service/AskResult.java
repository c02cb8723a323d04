package dev.docqa.service;

import dev.docqa.reading.Answer;
import dev.docqa.retrieval.ScoredPassage;
import java.util.List;
import java.util.Map;

/**
 * The answer to a question.
 *
 * @param answer the globally best span, or {@code null} when the model says there is no answer (or nothing was found)
 * @param alternatives the next best spans, best first, without {@code answer}
 * @param timingsMs wall time per phase, e.g. {@code retrieve}, {@code read}, {@code total}
 * @param indexGeneration the published index commit (manifest generation) every passage was retrieved from; 0 when
 *     the passages were given rather than retrieved
 * @param retrieved the retrieved passages with their retrieval scores, best first, when the request asked for them
 *     ({@link AskRequest#includePassages()}); else empty
 */
public record AskResult(Answer answer, List<Answer> alternatives, Map<String, Double> timingsMs, long indexGeneration,
    List<ScoredPassage> retrieved) {

  public AskResult {
    alternatives = List.copyOf(alternatives);
    timingsMs = Map.copyOf(timingsMs);
    retrieved = List.copyOf(retrieved);
    if (indexGeneration < 0) {
      throw new IllegalArgumentException("indexGeneration must be >= 0; indexGeneration=" + indexGeneration);
    }
  }

  /** A result without the retrieved passages. */
  public AskResult(Answer answer, List<Answer> alternatives, Map<String, Double> timingsMs, long indexGeneration) {
    this(answer, alternatives, timingsMs, indexGeneration, List.of());
  }

  /** A result read from given passages, not retrieved from the index (generation 0). */
  public AskResult(Answer answer, List<Answer> alternatives, Map<String, Double> timingsMs) {
    this(answer, alternatives, timingsMs, 0);
  }
}
