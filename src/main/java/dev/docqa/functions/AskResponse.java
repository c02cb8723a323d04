package dev.docqa.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskResult;
import java.util.List;
import java.util.Map;

/**
 * The answer JSON of {@code ask}: the best span with its provenance (or {@code null}), the alternatives, and timings.
 *
 * @param answer the best answer, {@code null} when none was found
 * @param alternatives the next best answers, best first
 * @param timingsMs wall time per phase in milliseconds
 */
public record AskResponse(
    AnswerJson answer, List<AnswerJson> alternatives, @JsonProperty("timings_ms") Map<String, Double> timingsMs) {

  /**
   * One answer span and where it comes from. Offsets count Unicode code points.
   *
   * @param documentId the document the passage belongs to
   * @param passage the passage's ordinal in its document
   * @param page the 1-based page the passage starts on, or {@code null}
   * @param start span start in the passage text
   * @param end span end (exclusive) in the passage text
   * @param documentStart span start in the document's text
   * @param documentEnd span end (exclusive) in the document's text
   */
  public record AnswerJson(
      String text,
      double score,
      double confidence,
      @JsonProperty("document_id") String documentId,
      int passage,
      Integer page,
      int start,
      int end,
      @JsonProperty("document_start") int documentStart,
      @JsonProperty("document_end") int documentEnd) {

    static AnswerJson of(Answer answer) {
      return new AnswerJson(
          answer.text(),
          answer.score(),
          answer.confidence(),
          answer.passage().documentId(),
          answer.passage().ordinal(),
          answer.passage().page(),
          answer.start(),
          answer.end(),
          answer.documentStart(),
          answer.documentEnd());
    }
  }

  static AskResponse of(AskResult result) {
    return new AskResponse(
        result.answer() == null ? null : AnswerJson.of(result.answer()),
        result.alternatives().stream().map(AnswerJson::of).toList(),
        result.timingsMs());
  }
}
