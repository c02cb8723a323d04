package dev.docqa.service;

import dev.docqa.config.RetrieverMode;

/**
 * A question to answer from the index.
 *
 * @param question the user's question, as typed
 * @param topK passages to retrieve and read ({@code null}: the configured default)
 * @param retriever ranking signal ({@code null}: the configured default)
 * @param documentPrefix only documents whose id starts with this ({@code null}: all)
 * @param alternatives how many answers beyond the best to return
 * @param noAnswer whether "no answer" may be the result ({@code null}: the configured default)
 * @param nullThreshold margin by which the null score must beat the best span ({@code null}: the configured or
 *     calibrated one)
 * @param maxAnswerLength longest answer in reader tokens ({@code null}: the configured default)
 * @param includePassages whether the result lists the retrieved passages with their retrieval scores
 */
public record AskRequest(
    String question,
    Integer topK,
    RetrieverMode retriever,
    String documentPrefix,
    int alternatives,
    Boolean noAnswer,
    Double nullThreshold,
    Integer maxAnswerLength,
    boolean includePassages) {

  /** A request with the configured no-answer rule and answer length, without the retrieved passages. */
  public AskRequest(String question, Integer topK, RetrieverMode retriever, String documentPrefix, int alternatives) {
    this(question, topK, retriever, documentPrefix, alternatives, null, null);
  }

  /** A request with the configured answer length, without the retrieved passages. */
  public AskRequest(String question, Integer topK, RetrieverMode retriever, String documentPrefix, int alternatives,
      Boolean noAnswer, Double nullThreshold) {
    this(question, topK, retriever, documentPrefix, alternatives, noAnswer, nullThreshold, null, false);
  }

  public static AskRequest of(String question) {
    return new AskRequest(question, null, null, null, 3);
  }
}
