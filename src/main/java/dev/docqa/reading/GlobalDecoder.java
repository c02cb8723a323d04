package dev.docqa.reading;

import dev.docqa.document.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link ReadOptions.Scoring#GLOBAL_LOGIT} decoding of one question's windows. A span is valid when both ends are
 * context tokens, {@code end >= start} and it has at most {@code maxAnswerLength} tokens; its score is
 * {@code start_logit + end_logit}. Each window contributes its best {@code topK} distinct character spans (enough for
 * the exact global top-k, since a span ranked below k distinct better spans of its own window cannot be in it), spans
 * found again in overlapping windows keep their best score, and all are ranked together.
 */
final class GlobalDecoder {

  private GlobalDecoder() {}

  private record Key(int passage, long span) {}

  private record Candidate(Key key, double score) {}

  static ReaderResult decode(
      List<Window> windows,
      float[][] starts,
      float[][] ends,
      List<Passage> passages,
      ReadOptions options,
      ReadStats stats) {
    int maxLength = options.maxAnswerLength();
    double nullScore = Double.POSITIVE_INFINITY;
    double logPartition = Double.NEGATIVE_INFINITY;
    Map<Key, Candidate> best = new HashMap<>();
    CandidateHeap heap = new CandidateHeap();
    for (int w = 0; w < windows.size(); w++) {
      Window window = windows.get(w);
      float[] start = starts[w];
      float[] end = ends[w];
      nullScore = Math.min(nullScore, (double) start[0] + end[0]);
      heap.clear();
      double max = Double.NEGATIVE_INFINITY;
      int n = window.length();
      boolean[] context = window.context();
      for (int s = 0; s < n; s++) {
        if (!context[s]) {
          continue;
        }
        for (int e = s, last = Math.min(n - 1, s + maxLength - 1); e <= last; e++) {
          if (context[e]) {
            double score = (double) start[s] + end[e];
            heap.add(s, e, score);
            max = Math.max(max, score);
          }
        }
      }
      if (heap.count() == 0) {
        continue;
      }
      double sum = 0;
      for (int c = 0; c < heap.count(); c++) {
        sum += Math.exp(heap.score(c) - max);
      }
      logPartition = logAddExp(logPartition, max + Math.log(sum));
      heap.heapify();
      Set<Long> seen = new HashSet<>();
      while (!heap.isEmpty() && seen.size() < options.topK()) {
        int c = heap.poll();
        long span = window.charSpan(heap.start(c), heap.end(c), options.alignToWords());
        if (seen.add(span)) {
          Key key = new Key(window.passage(), span);
          Candidate known = best.get(key);
          if (known == null || heap.score(c) > known.score()) {
            best.put(key, new Candidate(key, heap.score(c)));
          }
        }
      }
    }
    logPartition = logAddExp(logPartition, nullScore);

    List<Candidate> ranked = new ArrayList<>(best.values());
    ranked.sort(
        Comparator.comparingDouble(Candidate::score)
            .reversed()
            .thenComparingInt(c -> c.key().passage())
            .thenComparingLong(c -> c.key().span()));
    Map<Integer, PassageText> texts = new HashMap<>();
    List<Answer> answers = new ArrayList<>();
    for (Candidate candidate : ranked.subList(0, Math.min(options.topK(), ranked.size()))) {
      Passage passage = passages.get(candidate.key().passage());
      int from = Window.unpackStart(candidate.key().span());
      int to = Window.unpackEnd(candidate.key().span());
      String text =
          texts.computeIfAbsent(candidate.key().passage(), p -> new PassageText(passage.text())).substring(from, to);
      answers.add(new Answer(text, candidate.score(), Math.exp(candidate.score() - logPartition), passage, from, to));
    }
    boolean noAnswer =
        answers.isEmpty()
            || (options.handleImpossibleAnswer() && nullScore - answers.get(0).score() > options.nullThreshold());
    return new ReaderResult(answers, noAnswer, nullScore, stats);
  }

  private static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }
}
