package dev.docqa.retrieval;

import dev.docqa.config.RetrievalSettings;
import dev.docqa.index.RankedHit;
import dev.docqa.index.Rankings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the lexical and the semantic ranking of one view into one, as {@link RetrievalSettings#fusion()} says, the
 * same way whatever the index backend: hits are matched by key.
 */
final class Fusion {

  private Fusion() {}

  /** The fused ranking, best first; equal scores keep the order in which the hits were first seen (lexical first). */
  static List<RankedHit> fuse(Rankings rankings, RetrievalSettings settings) {
    Map<String, float[]> fused = new LinkedHashMap<>();
    switch (settings.fusion()) {
      case RRF -> {
        addReciprocalRanks(fused, rankings.lexical(), settings.rrfK());
        addReciprocalRanks(fused, rankings.semantic(), settings.rrfK());
      }
      case CONVEX -> {
        addScaled(fused, rankings.lexical(), 1 - settings.denseWeight());
        addScaled(fused, rankings.semantic(), settings.denseWeight());
      }
    }
    List<RankedHit> hits = new ArrayList<>(fused.size());
    fused.forEach((key, score) -> hits.add(new RankedHit(key, score[0])));
    hits.sort((a, b) -> Float.compare(b.score(), a.score())); // stable: ties keep first-seen order
    return hits;
  }

  private static void addReciprocalRanks(Map<String, float[]> fused, List<RankedHit> ranking, int k) {
    for (int rank = 0; rank < ranking.size(); rank++) {
      add(fused, ranking.get(rank).key(), 1f / (k + rank + 1));
    }
  }

  /**
   * Adds {@code weight * score / best}, scores floored at 0: a passage a signal did not rank gets 0 from it. The best
   * score of a ranking is its first.
   */
  private static void addScaled(Map<String, float[]> fused, List<RankedHit> ranking, double weight) {
    if (ranking.isEmpty() || ranking.getFirst().score() <= 0) {
      return;
    }
    float best = ranking.getFirst().score();
    for (RankedHit hit : ranking) {
      add(fused, hit.key(), (float) (weight * Math.max(hit.score(), 0f) / best));
    }
  }

  private static void add(Map<String, float[]> fused, String key, float score) {
    fused.computeIfAbsent(key, k -> new float[1])[0] += score;
  }
}
