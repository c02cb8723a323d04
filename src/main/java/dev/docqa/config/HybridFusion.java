package dev.docqa.config;

/** How hybrid retrieval merges the BM25 and dense rankings. */
public enum HybridFusion {
  /** Reciprocal rank fusion: {@code sum 1 / (k + rank)}; ignores score gaps, rewards passages both lists hold. */
  RRF,
  /**
   * Convex combination of scores scaled per question to [0, 1] by the best score of each signal (floor 0):
   * {@code w * dense + (1 - w) * bm25}.
   */
  CONVEX
}
