package dev.docqa.index;

import java.util.List;

/**
 * What to rank: {@code terms}, analysed with {@link dev.docqa.indexing.PassageSchema#newAnalyzer()} (each an optional
 * term of a BM25 query; empty: no lexical ranking), and {@code vector}, the question's unit embedding ({@code null}: no
 * semantic ranking), each to {@code depth} hits, within documents whose id starts with {@code documentPrefix} ({@code
 * null}: all).
 *
 * @param candidates HNSW search breadth (at least {@code depth})
 */
public record RankRequest(List<String> terms, float[] vector, int depth, int candidates, String documentPrefix) {

  public RankRequest {
    terms = List.copyOf(terms);
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1; depth=" + depth);
    }
    candidates = Math.max(candidates, depth);
    if (documentPrefix != null && documentPrefix.isEmpty()) {
      documentPrefix = null;
    }
  }
}
