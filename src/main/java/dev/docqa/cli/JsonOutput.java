package dev.docqa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import dev.docqa.eval.EvalReport;
import dev.docqa.service.AnswerView;
import dev.docqa.service.AskResult;
import dev.docqa.training.NullThresholdCalibration;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one-line JSON documents of {@code ask --json}, {@code eval --json} and {@code eval --calibrate --json}. Stateless
 * and thread-safe.
 */
final class JsonOutput {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonOutput() {}

  /** The answer JSON shared with the {@code ask} function: see {@link AnswerView}. */
  static String ask(AskResult result) {
    return ask(result, false);
  }

  /** The answer JSON, with the retrieved passages and their scores when {@code passages}. */
  static String ask(AskResult result, boolean passages) {
    return write(AnswerView.of(result, passages));
  }

  /**
   * {@code {"exact", "f1", "total", "has_ans": {...}, "no_ans": {...}, "recall_at_k": {"1", "5", "10", "20"},
   * "latency_ms": {"p50", "p95"}, "retriever", "top_k"}}; an empty group is null, recall values are null where nothing
   * was retrieved (gold mode).
   */
  static String eval(EvalReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("exact", report.overall().exact());
    root.put("f1", report.overall().f1());
    root.put("total", report.overall().total());
    scores(root, "has_ans", report.hasAnswer());
    scores(root, "no_ans", report.noAnswer());
    ObjectNode recall = root.putObject("recall_at_k");
    Map<Integer, Double> recallAtK = report.recallAtK();
    for (int k : EvalReport.RECALL_DEPTHS) {
      recall.put(Integer.toString(k), recallAtK.get(k));
    }
    ObjectNode latency = root.putObject("latency_ms");
    latency.put("p50", report.latencyP50Ms());
    latency.put("p95", report.latencyP95Ms());
    root.put("retriever", report.retriever());
    root.put("top_k", report.topK());
    return write(root);
  }

  /**
   * {@code {"null_threshold", "f1", "f1_without_rule", "answerable", "negatives", "reader"}}: the outcome of
   * {@code eval --calibrate}, F1 in percent over answerable and negative questions together.
   */
  static String calibration(NullThresholdCalibration.Result result, Path readerFolder) {
    ObjectNode root = JSON.createObjectNode();
    root.put("null_threshold", result.threshold());
    root.put("f1", result.f1());
    root.put("f1_without_rule", result.noAnswerF1());
    root.put("answerable", result.answerable());
    root.put("negatives", result.negatives());
    root.put("reader", readerFolder.toString());
    return write(root);
  }

  private static void scores(ObjectNode root, String name, EvalReport.Scores scores) {
    if (scores == null) {
      root.putNull(name);
      return;
    }
    ObjectNode node = root.putObject(name);
    node.put("exact", scores.exact());
    node.put("f1", scores.f1());
    node.put("total", scores.total());
  }

  /** {@code value} as one line of JSON. */
  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new DocqaException("cannot write JSON output: " + e.getOriginalMessage(), e);
    }
  }
}
