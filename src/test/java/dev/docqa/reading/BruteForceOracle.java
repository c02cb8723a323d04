package dev.docqa.reading;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reference for the reader: the same tokenizer settings, but every window run alone (batch of one, no
 * padding) through the TorchScript model loaded directly with DJL, and every valid (start, end) enumerated.
 */
final class BruteForceOracle implements AutoCloseable {

  /** One window with the model's logits for it. */
  record OracleWindow(
      int passage, long[] ids, long[] sequenceIds, long[] wordIds, CharSpan[] spans, float[] start, float[] end) {

    boolean isContext(int token) {
      return sequenceIds[token] == 1 && spans[token] != null;
    }

    /** Hugging Face {@code word_to_chars(token_to_word(token), sequence_index=1)}: first and last token of the word. */
    int[] wordChars(int token) {
      int first = -1;
      int last = -1;
      for (int i = 0; i < ids.length; i++) {
        if (sequenceIds[i] == 1 && wordIds[i] == wordIds[token]) {
          if (first < 0) {
            first = i;
          }
          last = i;
        }
      }
      return new int[] {spans[first].getStart(), spans[last].getEnd()};
    }

    int[] chars(int startToken, int endToken, boolean alignToWords) {
      if (alignToWords) {
        return new int[] {wordChars(startToken)[0], wordChars(endToken)[1]};
      }
      return new int[] {spans[startToken].getStart(), spans[endToken].getEnd()};
    }
  }

  /** A distinct answer span with its best score, and whether it touches its window's first or last context token. */
  record Span(int passage, int start, int end, double score, boolean atWindowEdge) {}

  private final ZooModel<NDList, NDList> model;
  private final boolean tokenTypes;
  private final HuggingFaceTokenizer tokenizer;

  BruteForceOracle(ModelDirectory directory, int maxSeqLength, int stride) throws Exception {
    tokenTypes = directory.includeTokenTypes();
    model =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(directory.modelFile())
            .optEngine("PyTorch")
            .optTranslator(new NoopTranslator())
            .build()
            .loadModel();
    tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(directory.tokenizerFile())
            .optTruncateSecondOnly()
            .optMaxLength(maxSeqLength)
            .optStride(stride)
            .optWithOverflowingTokens(true)
            .optPadding(false)
            .build();
  }

  List<OracleWindow> windows(String question, List<Passage> passages) throws Exception {
    List<OracleWindow> windows = new ArrayList<>();
    JniUtils.setGraphExecutorOptimize(false); // one shape per window: no re-optimization per shape
    try (Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager manager = NDManager.newBaseManager()) {
      for (int p = 0; p < passages.size(); p++) {
        Encoding encoding = tokenizer.encode(question, passages.get(p).text());
        List<Encoding> all = new ArrayList<>();
        all.add(encoding);
        all.addAll(List.of(encoding.getOverflowing()));
        for (Encoding e : all) {
          Shape shape = new Shape(1, e.getIds().length);
          NDList inputs = new NDList(manager.create(e.getIds(), shape), manager.create(e.getAttentionMask(), shape));
          if (tokenTypes) {
            inputs.add(manager.create(e.getTypeIds(), shape));
          }
          NDList out = predictor.predict(inputs);
          windows.add(
              new OracleWindow(
                  p, e.getIds(), e.getSequenceIds(), e.getWordIds(), e.getCharTokenSpans(),
                  out.get(0).toFloatArray(), out.get(1).toFloatArray()));
        }
      }
    }
    return windows;
  }

  /** Every valid span of every window, deduplicated by (passage, chars) keeping the best score, best first. */
  static List<Span> rank(List<OracleWindow> windows, int maxAnswerLength, boolean alignToWords) {
    Map<List<Integer>, Span> best = new HashMap<>();
    for (OracleWindow w : windows) {
      int firstContext = -1;
      int lastContext = -1;
      for (int i = 0; i < w.ids().length; i++) {
        if (w.isContext(i)) {
          firstContext = firstContext < 0 ? i : firstContext;
          lastContext = i;
        }
      }
      for (int s = 0; s < w.ids().length; s++) {
        for (int e = s; e < w.ids().length && e - s + 1 <= maxAnswerLength; e++) {
          if (!w.isContext(s) || !w.isContext(e)) {
            continue;
          }
          int[] chars = w.chars(s, e, alignToWords);
          double score = (double) w.start()[s] + w.end()[e];
          Span span = new Span(w.passage(), chars[0], chars[1], score, s == firstContext || e == lastContext);
          best.merge(List.of(w.passage(), chars[0], chars[1]), span, (a, b) -> b.score() > a.score() ? b : a);
        }
      }
    }
    List<Span> ranked = new ArrayList<>(best.values());
    ranked.sort(Comparator.comparingDouble(Span::score).reversed());
    return ranked;
  }

  /** SQuAD 2.0 null score: the smallest CLS start+end logit sum over all windows. */
  static double nullScore(List<OracleWindow> windows) {
    return windows.stream().mapToDouble(w -> (double) w.start()[0] + w.end()[0]).min().orElseThrow();
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
