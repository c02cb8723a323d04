package dev.docqa.reading;

import java.util.Objects;

/**
 * How one read decodes and ranks answers. Immutable; derive variants with the {@code with*} methods.
 *
 * @param topK answers to return, best first
 * @param maxAnswerLength longest answer span, in tokens
 * @param nullThreshold with {@code handleImpossibleAnswer} in {@link Scoring#GLOBAL_LOGIT} mode: "no answer" when
 *     {@code nullScore - bestScore > nullThreshold} (SQuAD 2.0 rule)
 * @param alignToWords widen each span to whole words (the pipeline's {@code align_to_words})
 * @param scoring how spans are scored and ranked
 * @param handleImpossibleAnswer whether "no answer" is a possible outcome (the pipeline's
 *     {@code handle_impossible_answer}); only meaningful for models trained with unanswerable questions
 */
public record ReadOptions(
    int topK,
    int maxAnswerLength,
    double nullThreshold,
    boolean alignToWords,
    Scoring scoring,
    boolean handleImpossibleAnswer) {

  /** How spans are scored and ranked. */
  public enum Scoring {
    /**
     * Raw start+end logit sum, ranked globally across all windows and passages (logits are comparable across windows;
     * per-window probabilities are not). Confidence is the softmax of that sum over every valid span read plus the null
     * span.
     */
    GLOBAL_LOGIT,
    /**
     * transformers 4.57 {@code QuestionAnsweringPipeline}: per-window softmax over start and over end (CLS kept, other
     * non-context tokens at -10000), score {@code p_start * p_end}, same text merged case-insensitively by summing.
     * Several passages are read as chunks of one context.
     */
    PIPELINE
  }

  public ReadOptions {
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1; topK=" + topK);
    }
    if (maxAnswerLength < 1) {
      throw new IllegalArgumentException("maxAnswerLength must be >= 1; maxAnswerLength=" + maxAnswerLength);
    }
    if (Double.isNaN(nullThreshold)) {
      throw new IllegalArgumentException("nullThreshold must be a number; nullThreshold=NaN");
    }
    Objects.requireNonNull(scoring, "scoring");
  }

  /** One answer, 15-token spans, word-aligned, global logit ranking, no "no answer". */
  public static ReadOptions defaults() {
    return new ReadOptions(1, 15, 0.0, true, Scoring.GLOBAL_LOGIT, false);
  }

  public ReadOptions withTopK(int value) {
    return new ReadOptions(value, maxAnswerLength, nullThreshold, alignToWords, scoring, handleImpossibleAnswer);
  }

  public ReadOptions withMaxAnswerLength(int value) {
    return new ReadOptions(topK, value, nullThreshold, alignToWords, scoring, handleImpossibleAnswer);
  }

  public ReadOptions withNullThreshold(double value) {
    return new ReadOptions(topK, maxAnswerLength, value, alignToWords, scoring, handleImpossibleAnswer);
  }

  public ReadOptions withAlignToWords(boolean value) {
    return new ReadOptions(topK, maxAnswerLength, nullThreshold, value, scoring, handleImpossibleAnswer);
  }

  public ReadOptions withScoring(Scoring value) {
    return new ReadOptions(topK, maxAnswerLength, nullThreshold, alignToWords, value, handleImpossibleAnswer);
  }

  public ReadOptions withHandleImpossibleAnswer(boolean value) {
    return new ReadOptions(topK, maxAnswerLength, nullThreshold, alignToWords, scoring, value);
  }
}
