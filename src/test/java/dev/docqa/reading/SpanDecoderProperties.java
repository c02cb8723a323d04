package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.docqa.document.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the span decoder without a model: random logits over random context masks, checked against a
 * brute-force enumeration of every valid span. Logits come from a small set of values, so ties are common and the
 * tie-breaking rule (lower passage, then lower start, then lower end) is exercised. Seeded for reproducible CI.
 */
class SpanDecoderProperties {

  /** A span found by enumeration: passage, token (= character) offsets and score. */
  private record Span(int passage, int start, int end, double score) {}

  private static final Comparator<Span> RANKING = Comparator.comparingDouble(Span::score).reversed()
      .thenComparingInt(Span::passage).thenComparingInt(Span::start).thenComparingInt(Span::end);

  /** One window of a passage: logits and which tokens are context. */
  record RandomWindow(float[] start, float[] end, boolean[] context) {}

  @Provide
  Arbitrary<RandomWindow> windows() {
    Arbitrary<Float> logit = Arbitraries.of(-2f, -1f, 0f, 0.5f, 1f, 2f, 3.25f);
    return Arbitraries.integers().between(1, 24).flatMap(n -> Combinators.combine(
            logit.array(float[].class).ofSize(n),
            logit.array(float[].class).ofSize(n),
            Arbitraries.of(true, true, true, false).list().ofSize(n))
        .as((start, end, context) -> {
          boolean[] mask = new boolean[n];
          for (int i = 1; i < n; i++) {
            mask[i] = context.get(i); // token 0 is CLS, never context
          }
          return new RandomWindow(start, end, mask);
        }));
  }

  @Property(tries = 300, seed = "20261122")
  void theDecodedTopKIsTheBruteForceTopK(
      @ForAll @Size(min = 1, max = 4) List<@From("windows") RandomWindow> perPassage,
      @ForAll @IntRange(min = 1, max = 8) int maxAnswerLength,
      @ForAll @IntRange(min = 1, max = 5) int topK) {
    List<Window> windows = new ArrayList<>();
    List<Passage> passages = new ArrayList<>();
    float[][] starts = new float[perPassage.size()][];
    float[][] ends = new float[perPassage.size()][];
    List<Span> expected = new ArrayList<>();
    for (int p = 0; p < perPassage.size(); p++) {
      RandomWindow w = perPassage.get(p);
      int n = w.start().length;
      int[] charStart = new int[n];
      int[] charEnd = new int[n];
      int[] wordIds = new int[n];
      for (int i = 0; i < n; i++) {
        charStart[i] = i; // token i is character i of the passage
        charEnd[i] = i + 1;
        wordIds[i] = i;
      }
      windows.add(new Window(0, p, new long[n], new long[n], w.context(), new boolean[n], charStart, charEnd, wordIds));
      passages.add(Passage.ofText("doc-" + p, "x".repeat(n)));
      starts[p] = w.start();
      ends[p] = w.end();
      for (int s = 0; s < n; s++) {
        for (int e = s; e < n && e - s + 1 <= maxAnswerLength; e++) {
          if (w.context()[s] && w.context()[e]) {
            expected.add(new Span(p, s, e + 1, (double) w.start()[s] + w.end()[e]));
          }
        }
      }
    }
    ReadOptions options = new ReadOptions(topK, maxAnswerLength, 0.0, false, ReadOptions.Scoring.GLOBAL_LOGIT, false);
    ReaderResult result = GlobalDecoder.decode(windows, starts, ends, passages, options, null);

    List<Span> want = expected.stream().sorted(RANKING).limit(topK).toList();
    List<Span> got = result.answers().stream()
        .map(a -> new Span(passages.indexOf(a.passage()), a.start(), a.end(), a.score())).toList();
    assertEquals(want, got);
    assertEquals(want.isEmpty(), result.best().isEmpty());
  }

  @Property(tries = 300, seed = "20261122")
  void theHeapPopsInRankingOrder(
      @ForAll @Size(max = 3000) List<@IntRange(min = -3, max = 3) Integer> scores,
      @ForAll @IntRange(min = 1, max = 50) int width) {
    CandidateHeap heap = new CandidateHeap();
    List<Span> added = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      int start = (i * 7919) % width; // scrambled, with repeats, so ties on score and start both occur
      int end = start + i % 5;
      heap.add(start, end, scores.get(i));
      added.add(new Span(0, start, end, scores.get(i)));
    }
    heap.heapify();
    List<Span> popped = new ArrayList<>();
    while (!heap.isEmpty()) {
      int c = heap.poll();
      popped.add(new Span(0, heap.start(c), heap.end(c), heap.score(c)));
    }
    assertEquals(added.stream().sorted(RANKING).toList(), popped);
  }
}
