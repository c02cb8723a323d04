package dev.docqa.cli;

import dev.docqa.eval.EvalReport;
import dev.docqa.reading.Answer;
import dev.docqa.retrieval.ScoredPassage;
import dev.docqa.service.AskResult;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Human-readable output of {@code ask} and {@code eval}: the answer is marked {@code **like this**} in its passage. */
final class TextOutput {

  private TextOutput() {}

  static void ask(AskResult result, PrintStream out) {
    ask(result, false, out);
  }

  /** The answer, alternatives, with {@code passages} the retrieved passages and their scores, and timings. */
  static void ask(AskResult result, boolean passages, PrintStream out) {
    Answer answer = result.answer();
    if (answer == null) {
      out.println("No answer: the reader found none in what it read.");
    } else {
      out.println("Answer: " + oneLine(answer.text()).strip());
      out.printf(Locale.ROOT, "  score %.3f, confidence %.3f%n", answer.score(), answer.confidence());
      out.println("Source: " + source(answer));
      out.println("Passage:");
      out.println("  " + highlighted(answer));
    }
    if (!result.alternatives().isEmpty()) {
      out.println("Alternatives:");
      int rank = answer == null ? 1 : 2;
      for (Answer alternative : result.alternatives()) {
        out.printf(Locale.ROOT, "  %d. %s  (%s; score %.3f, confidence %.3f)%n",
            rank++, oneLine(alternative.text()).strip(), source(alternative), alternative.score(),
            alternative.confidence());
      }
    }
    if (passages) {
      out.println("Retrieved passages:");
      int rank = 1;
      for (ScoredPassage hit : result.retrieved()) {
        Integer page = hit.passage().page();
        out.printf(Locale.ROOT, "  %d. %s%s, characters %d-%d (score %.4f)%n     %s%n", rank++,
            hit.passage().documentId(), page == null ? "" : ", page " + page, hit.passage().start(),
            hit.passage().end(), hit.score(), oneLine(hit.passage().text()).strip());
      }
    }
    if (!result.timingsMs().isEmpty()) {
      out.println("Timings: " + new TreeMap<>(result.timingsMs()).entrySet().stream()
          .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), e.getValue()))
          .collect(Collectors.joining(", ")));
    }
  }

  /** Document, page when known, and the answer's code-point range in the document text. */
  static String source(Answer answer) {
    Integer page = answer.passage().page();
    return answer.passage().documentId()
        + (page == null ? "" : ", page " + page)
        + ", characters " + answer.documentStart() + "-" + answer.documentEnd();
  }

  /** The passage on one line, the answer span between {@code **}. */
  static String highlighted(Answer answer) {
    String text = answer.passage().text();
    int from = text.offsetByCodePoints(0, answer.start());
    int to = text.offsetByCodePoints(from, answer.end() - answer.start());
    return oneLine(text.substring(0, from)) + "**" + oneLine(text.substring(from, to)) + "**"
        + oneLine(text.substring(to));
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }

  static void eval(EvalReport report, PrintStream out) {
    out.printf(Locale.ROOT, "SQuAD evaluation (retriever %s, top-k %d)%n", report.retriever(), report.topK());
    scores(out, "all", report.overall());
    scores(out, "has answer", report.hasAnswer());
    scores(out, "no answer", report.noAnswer());
    Map<Integer, Double> recall = report.recallAtK();
    if (!recall.isEmpty()) {
      out.println("  recall@k     " + recall.entrySet().stream()
          .map(e -> String.format(Locale.ROOT, "@%d %.3f", e.getKey(), e.getValue()))
          .collect(Collectors.joining("  ")));
    }
    out.printf(Locale.ROOT, "  latency      p50 %.1f ms  p95 %.1f ms%n", report.latencyP50Ms(), report.latencyP95Ms());
  }

  private static void scores(PrintStream out, String group, EvalReport.Scores scores) {
    if (scores != null) {
      out.printf(Locale.ROOT, "  %-12s EM %6.2f  F1 %6.2f  (%s)%n", group, scores.exact(), scores.f1(),
          Plural.of(scores.total(), "question"));
    }
  }
}
