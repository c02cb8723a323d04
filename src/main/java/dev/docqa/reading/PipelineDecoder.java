package dev.docqa.reading;

import dev.docqa.document.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ReadOptions.Scoring#PIPELINE} decoding: transformers 4.57 {@code QuestionAnsweringPipeline.postprocess} over
 * one question's windows, in window order. Per window: logits of tokens that are neither context nor CLS set to
 * -10000, softmax over start and over end, {@code min_null_score} from position 0, position 0 zeroed, the best
 * {@code pre_topk} spans ({@code top_k * 2 + 10} with word alignment, else {@code top_k}) by {@code p_start * p_end};
 * each answer text merged into an earlier one with the same lower-cased text by adding its score. Then the null
 * answer, a stable sort by score and the first {@code top_k}.
 *
 * <p>One deliberate difference: when a window has fewer positive-score spans than {@code pre_topk}, the pipeline fills
 * up with zero-score spans in numpy's arbitrary order (some with end before start); those are never returned here.
 */
final class PipelineDecoder {

  private PipelineDecoder() {}

  /** A pipeline answer: first-found text and offsets, summed score. Mutable while merging only. */
  private static final class Found {
    final int passage;
    final int start;
    final int end;
    final String text;
    double score;

    Found(int passage, int start, int end, String text, double score) {
      this.passage = passage;
      this.start = start;
      this.end = end;
      this.text = text;
      this.score = score;
    }
  }

  static ReaderResult decode(
      List<Window> windows,
      float[][] starts,
      float[][] ends,
      List<Passage> passages,
      ReadOptions options,
      ReadStats stats) {
    int topK = options.topK();
    int preTopK = options.alignToWords() ? topK * 2 + 10 : topK;
    double minNullScore = 1_000_000;
    List<Found> found = new ArrayList<>();
    Map<String, Found> byText = new HashMap<>();
    Map<Integer, PassageText> texts = new HashMap<>();
    CandidateHeap heap = new CandidateHeap();
    for (int w = 0; w < windows.size(); w++) {
      Window window = windows.get(w);
      double[] pStart = maskedSoftmax(window, starts[w]);
      double[] pEnd = maskedSoftmax(window, ends[w]);
      if (options.handleImpossibleAnswer()) {
        minNullScore = Math.min(minNullScore, pStart[0] * pEnd[0]);
      }
      pStart[0] = 0;
      pEnd[0] = 0;
      heap.clear();
      int n = window.length();
      boolean[] context = window.context();
      for (int s = 0; s < n; s++) {
        if (!context[s] || pStart[s] == 0) {
          continue;
        }
        for (int e = s, last = Math.min(n - 1, s + options.maxAnswerLength() - 1); e <= last; e++) {
          double score = pStart[s] * pEnd[e];
          if (context[e] && score > 0) {
            heap.add(s, e, score);
          }
        }
      }
      heap.heapify();
      PassageText text = texts.computeIfAbsent(window.passage(), p -> new PassageText(passages.get(p).text()));
      for (int taken = 0; taken < preTopK && !heap.isEmpty(); taken++) {
        int c = heap.poll();
        long span = window.charSpan(heap.start(c), heap.end(c), options.alignToWords());
        int from = Window.unpackStart(span);
        int to = Window.unpackEnd(span);
        String answer = text.substring(from, to);
        Found same = byText.get(answer.toLowerCase(Locale.ROOT));
        if (same != null) {
          same.score += heap.score(c);
        } else {
          Found next = new Found(window.passage(), from, to, answer, heap.score(c));
          found.add(next);
          byText.put(answer.toLowerCase(Locale.ROOT), next);
        }
      }
    }
    Found nullAnswer = options.handleImpossibleAnswer() ? new Found(-1, 0, 0, "", minNullScore) : null;
    if (nullAnswer != null) {
      found.add(nullAnswer);
    }
    List<Found> ranked = new ArrayList<>(found);
    ranked.sort(Comparator.comparingDouble((Found f) -> f.score).reversed()); // stable, as Python's sorted
    ranked = ranked.subList(0, Math.min(topK, ranked.size()));
    List<Answer> answers = new ArrayList<>();
    for (Found f : ranked) {
      if (f != nullAnswer) {
        answers.add(new Answer(f.text, f.score, Math.min(1.0, f.score), passages.get(f.passage), f.start, f.end));
      }
    }
    boolean noAnswer = ranked.isEmpty() || ranked.get(0) == nullAnswer;
    return new ReaderResult(answers, noAnswer, nullAnswer == null ? Double.NaN : minNullScore, stats);
  }

  /** The pipeline's softmax: tokens that may not answer (neither context nor CLS) enter at -10000. */
  private static double[] maskedSoftmax(Window window, float[] logits) {
    int n = window.length();
    double[] p = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      p[i] = window.context()[i] || window.cls()[i] ? logits[i] : -10000.0;
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < n; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
