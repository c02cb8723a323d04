package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A question as JSON: {@code {"question": ..., "top_k": 5, "retriever": "hybrid", "document_prefix": "reports/",
 * "alternatives": 3, "no_answer": true, "null_threshold": -1.5, "max_answer_length": 30, "show_passages": true}};
 * everything but {@code question} is optional. The direct-invocation input of {@code ask}, and
 * the body of an API Gateway POST; unknown fields are rejected in both ({@link AskHandler}).
 */
public class AskQuery {

  private String question;
  private Integer topK;
  private String retriever;
  private String documentPrefix;
  private Integer alternatives;
  private Integer maxAnswerLength;
  private Boolean showPassages;
  private Boolean noAnswer;
  private Double nullThreshold;

  @JsonProperty("no_answer")
  public Boolean getNoAnswer() {
    return noAnswer;
  }

  @JsonProperty("no_answer")
  public void setNoAnswer(Boolean noAnswer) {
    this.noAnswer = noAnswer;
  }

  @JsonProperty("null_threshold")
  public Double getNullThreshold() {
    return nullThreshold;
  }

  @JsonProperty("null_threshold")
  public void setNullThreshold(Double nullThreshold) {
    this.nullThreshold = nullThreshold;
  }

  public String getQuestion() {
    return question;
  }

  public void setQuestion(String question) {
    this.question = question;
  }

  @JsonProperty("top_k")
  public Integer getTopK() {
    return topK;
  }

  @JsonProperty("top_k")
  public void setTopK(Integer topK) {
    this.topK = topK;
  }

  public String getRetriever() {
    return retriever;
  }

  public void setRetriever(String retriever) {
    this.retriever = retriever;
  }

  @JsonProperty("document_prefix")
  public String getDocumentPrefix() {
    return documentPrefix;
  }

  @JsonProperty("document_prefix")
  public void setDocumentPrefix(String documentPrefix) {
    this.documentPrefix = documentPrefix;
  }

  public Integer getAlternatives() {
    return alternatives;
  }

  public void setAlternatives(Integer alternatives) {
    this.alternatives = alternatives;
  }

  @JsonProperty("max_answer_length")
  public Integer getMaxAnswerLength() {
    return maxAnswerLength;
  }

  @JsonProperty("max_answer_length")
  public void setMaxAnswerLength(Integer maxAnswerLength) {
    this.maxAnswerLength = maxAnswerLength;
  }

  @JsonProperty("show_passages")
  public Boolean getShowPassages() {
    return showPassages;
  }

  @JsonProperty("show_passages")
  public void setShowPassages(Boolean showPassages) {
    this.showPassages = showPassages;
  }
}
