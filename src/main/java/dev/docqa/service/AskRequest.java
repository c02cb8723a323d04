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
 */
public record AskRequest(
    String question, Integer topK, RetrieverMode retriever, String documentPrefix, int alternatives) {

  public static AskRequest of(String question) {
    return new AskRequest(question, null, null, null, 3);
  }
}
