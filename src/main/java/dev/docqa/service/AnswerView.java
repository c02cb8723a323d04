package dev.docqa.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.docqa.reading.Answer;
import dev.docqa.retrieval.ScoredPassage;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer JSON that every entry point prints or returns (the CLI's {@code ask --json}, the {@code ask} function):
 * <pre>{@code
 * {"answer": str|null, "score": num, "confidence": num, "document": str|null, "start": int, "end": int,
 *  "page": int|null, "passage": {"text": str, "start": int, "end": int}|null, "alternatives": [...],
 *  "passages": [{"document": str, "page": int|null, "start": int, "end": int, "score": num, "text": str}],
 *  "timings_ms": {...}}
 * }</pre>
 * {@code passages}, the retrieved passages with their retrieval scores (best first), is present only when the question
 * asked for them ({@code show_passages}, {@code --show-passages}).
 * Offsets count Unicode code points in the document's extracted text. Each alternative has the fields of the best
 * answer, without alternatives or timings. With no answer, {@code answer}, {@code document}, {@code page} and
 * {@code passage} are null and the numbers 0. Timings are sorted by phase and rounded to microseconds.
 *
 * <p>Immutable; serialise it with Jackson.
 *
 * @param best the best answer's fields, written at the top level
 * @param alternatives the next best answers, best first
 * @param timingsMs wall time per phase in milliseconds
 */
@JsonPropertyOrder({"best", "alternatives", "passages", "timings_ms"})
public record AnswerView(
    @JsonUnwrapped Span best,
    List<Span> alternatives,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Retrieved> passages,
    @JsonProperty("timings_ms") Map<String, Double> timingsMs) {

  public AnswerView {
    alternatives = List.copyOf(alternatives);
    passages = passages == null ? null : List.copyOf(passages);
    timingsMs = Collections.unmodifiableMap(new TreeMap<>(timingsMs));
  }

  /** A view without the retrieved passages. */
  public AnswerView(Span best, List<Span> alternatives, Map<String, Double> timingsMs) {
    this(best, alternatives, null, timingsMs);
  }

  /** The view of a service result, without the retrieved passages. */
  public static AnswerView of(AskResult result) {
    return of(result, false);
  }

  /** The view of a service result; with {@code passages}, the retrieved passages it holds are listed too. */
  public static AnswerView of(AskResult result, boolean passages) {
    Map<String, Double> timings = new TreeMap<>();
    result.timingsMs().forEach((phase, ms) -> timings.put(phase, Math.round(ms * 1000) / 1000.0));
    return new AnswerView(
        result.answer() == null ? Span.NONE : Span.of(result.answer()),
        result.alternatives().stream().map(Span::of).toList(),
        passages ? result.retrieved().stream().map(Retrieved::of).toList() : null,
        timings);
  }

  /**
   * A retrieved passage and its retrieval score (BM25, cosine or fused rank score, by retriever mode).
   *
   * @param start the passage's start in the document text (code points)
   * @param end the passage's end, exclusive (code points)
   */
  @JsonPropertyOrder({"document", "page", "start", "end", "score", "text"})
  public record Retrieved(String document, Integer page, int start, int end, double score, String text) {

    public static Retrieved of(ScoredPassage hit) {
      return new Retrieved(hit.passage().documentId(), hit.passage().page(), hit.passage().start(),
          hit.passage().end(), hit.score(), hit.passage().text());
    }
  }

  /**
   * One answer and its provenance.
   *
   * @param answer the answer text, or {@code null} for none
   * @param document the document id
   * @param start span start in the document text (code points)
   * @param end span end, exclusive, in the document text (code points)
   * @param page the 1-based page the passage starts on, or {@code null}
   * @param passage the passage the span was read from
   */
  @JsonPropertyOrder({"answer", "score", "confidence", "document", "start", "end", "page", "passage"})
  public record Span(
      String answer,
      double score,
      double confidence,
      String document,
      int start,
      int end,
      Integer page,
      PassageText passage) {

    /** No answer: nulls and zeros, every key kept. */
    public static final Span NONE = new Span(null, 0.0, 0.0, null, 0, 0, null, null);

    public static Span of(Answer answer) {
      return new Span(
          answer.text(),
          answer.score(),
          answer.confidence(),
          answer.passage().documentId(),
          answer.documentStart(),
          answer.documentEnd(),
          answer.passage().page(),
          new PassageText(answer.passage().text(), answer.passage().start(), answer.passage().end()));
    }
  }

  /**
   * The passage an answer was read from.
   *
   * @param start the passage's start in the document text (code points)
   * @param end the passage's end, exclusive, in the document text (code points)
   */
  @JsonPropertyOrder({"text", "start", "end"})
  public record PassageText(String text, int start, int end) {}
}
