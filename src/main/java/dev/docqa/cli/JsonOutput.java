package dev.docqa.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import dev.docqa.eval.EvalReport;
import dev.docqa.reading.Answer;
import dev.docqa.service.AskResult;
import java.util.Map;
import java.util.TreeMap;

/** The one-line JSON documents of {@code ask --json} and {@code eval --json}. Stateless and thread-safe. */
final class JsonOutput {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonOutput() {}

  /**
   * {@code {"answer", "score", "confidence", "document", "start", "end", "page", "passage": {"text", "start", "end"},
   * "alternatives": [...], "timings_ms": {...}}}; offsets are code points in the document's text. With no answer:
   * {@code answer}, {@code document}, {@code page} and {@code passage} are null and the numbers 0.
   */
  static String ask(AskResult result) {
    ObjectNode root = answer(result.answer());
    ArrayNode alternatives = root.putArray("alternatives");
    result.alternatives().forEach(alternative -> alternatives.add(answer(alternative)));
    ObjectNode timings = root.putObject("timings_ms");
    new TreeMap<>(result.timingsMs()).forEach((phase, ms) -> timings.put(phase, Math.round(ms * 1000) / 1000.0));
    return write(root);
  }

  private static ObjectNode answer(Answer answer) {
    ObjectNode node = JSON.createObjectNode();
    if (answer == null) {
      node.putNull("answer");
      node.put("score", 0.0);
      node.put("confidence", 0.0);
      node.putNull("document");
      node.put("start", 0);
      node.put("end", 0);
      node.putNull("page");
      node.putNull("passage");
      return node;
    }
    node.put("answer", answer.text());
    node.put("score", answer.score());
    node.put("confidence", answer.confidence());
    node.put("document", answer.passage().documentId());
    node.put("start", answer.documentStart());
    node.put("end", answer.documentEnd());
    node.put("page", answer.passage().page());
    ObjectNode passage = node.putObject("passage");
    passage.put("text", answer.passage().text());
    passage.put("start", answer.passage().start());
    passage.put("end", answer.passage().end());
    return node;
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

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new DocqaException("cannot write JSON output: " + e.getOriginalMessage(), e);
    }
  }
}
