package dev.docqa.service;

import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.storage.ObjectKeys;

/**
 * The rules every entry point applies to a question (the {@code ask} function, the local server, the command line),
 * so they accept and refuse the same things with the same messages. Stateless.
 */
public final class QuestionRules {

  public static final int MAX_QUESTION_CHARS = 2_000;
  public static final int MAX_TOP_K = 100;
  public static final int MAX_ALTERNATIVES = 20;
  public static final int DEFAULT_ALTERNATIVES = 3;
  /** Longest answer a request may ask for, in reader tokens (answers in scientific papers average 14 words). */
  public static final int MAX_ANSWER_LENGTH = 200;

  private QuestionRules() {}

  /**
   * A valid request, or the first rule broken.
   *
   * @param topK {@code null}: the configured default
   * @param retriever {@code bm25}, {@code dense}, {@code hybrid}, or {@code null} for the configured default
   * @param documentPrefix {@code null} or empty: all documents
   * @param alternatives {@code null}: {@value #DEFAULT_ALTERNATIVES}
   * @param noAnswer {@code null}: the configured no-answer rule
   * @param nullThreshold {@code null}: the configured or calibrated threshold; else a finite number
   * @param maxAnswerLength {@code null}: the configured length
   * @throws InvalidInputException naming the rule and the bad value
   */
  public static AskRequest request(String question, Integer topK, String retriever, String documentPrefix,
      Integer alternatives, Boolean noAnswer, Double nullThreshold, Integer maxAnswerLength,
      boolean includePassages) {
    String checked = question(question);
    if (topK != null && (topK < 1 || topK > MAX_TOP_K)) {
      throw new InvalidInputException("top_k must be in [1, " + MAX_TOP_K + "]; top_k=" + topK);
    }
    int others = alternatives == null ? DEFAULT_ALTERNATIVES : alternatives;
    if (others < 0 || others > MAX_ALTERNATIVES) {
      throw new InvalidInputException(
          "alternatives must be in [0, " + MAX_ALTERNATIVES + "]; alternatives=" + others);
    }
    if (maxAnswerLength != null && (maxAnswerLength < 1 || maxAnswerLength > MAX_ANSWER_LENGTH)) {
      throw new InvalidInputException("max_answer_length must be in [1, " + MAX_ANSWER_LENGTH
          + "] tokens; max_answer_length=" + maxAnswerLength);
    }
    if (nullThreshold != null && !Double.isFinite(nullThreshold)) {
      throw new InvalidInputException("null_threshold must be a finite number; null_threshold=" + nullThreshold);
    }
    RetrieverMode mode = retriever == null ? null : RetrieverMode.parse(retriever);
    String prefix = documentPrefix == null || documentPrefix.isEmpty() ? null : documentPrefix;
    if (prefix != null) {
      ObjectKeys.checkPrefix(prefix);
    }
    return new AskRequest(checked, topK, mode, prefix, others, noAnswer, nullThreshold, maxAnswerLength,
        includePassages);
  }

  /**
   * The question stripped, when it is not blank, at most {@value #MAX_QUESTION_CHARS} characters, free of control
   * characters (but tab and line breaks) and unpaired surrogates, and has a letter or digit.
   *
   * @throws InvalidInputException naming the rule broken (never echoing the question)
   */
  public static String question(String question) {
    if (question == null || question.isBlank()) {
      throw new InvalidInputException("question must not be blank; question=" + question);
    }
    if (question.length() > MAX_QUESTION_CHARS) {
      throw new InvalidInputException(
          "question must have at most " + MAX_QUESTION_CHARS + " characters; length=" + question.length());
    }
    checkCharacters(question);
    if (question.codePoints().noneMatch(Character::isLetterOrDigit)) {
      // No echo of the question: a direct invocation's error is logged by the Lambda runtime.
      throw new InvalidInputException(
          "question must contain a letter or digit; length=" + question.length() + " characters");
    }
    return question.strip();
  }

  /**
   * Rejects what no question holds and what breaks the tokenizer: C0/C1 control characters other than tab and line
   * breaks (a NUL included) and unpaired surrogates, which have no UTF-8 form.
   */
  private static void checkCharacters(String question) {
    for (int i = 0; i < question.length(); i++) {
      char c = question.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        throw new InvalidInputException(
            "question must not contain control characters; found U+%04X at index %d".formatted((int) c, i));
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c)
            && i + 1 < question.length() && Character.isLowSurrogate(question.charAt(i + 1));
        if (!paired) {
          throw new InvalidInputException(
              "question must be valid Unicode; unpaired surrogate U+%04X at index %d".formatted((int) c, i));
        }
        i++;
      }
    }
  }
}
