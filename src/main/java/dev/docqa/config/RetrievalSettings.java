package dev.docqa.config;

/**
 * How passages are retrieved for a question.
 *
 * @param mode {@code bm25}, {@code dense} or {@code hybrid}
 * @param topK passages handed to the reader
 * @param candidates passages each signal ranks before fusion, also the HNSW search breadth; at least {@code topK} are
 *     always taken
 * @param fusion how {@code hybrid} merges the two rankings
 * @param denseWeight weight of the dense score in {@link HybridFusion#CONVEX} fusion, in [0, 1]
 * @param rrfK the constant k of {@link HybridFusion#RRF}, {@code score = sum 1 / (k + rank)}
 * @param maxQuestionChars questions are cut to this many code points (at a word boundary when there is one)
 * @param maxQueryTerms distinct analysed terms of a BM25 query, in question order
 */
public record RetrievalSettings(
    RetrieverMode mode,
    int topK,
    int candidates,
    HybridFusion fusion,
    double denseWeight,
    int rrfK,
    int maxQuestionChars,
    int maxQueryTerms) {

  public RetrievalSettings {
    if (mode == null) {
      throw new IllegalArgumentException("retriever mode must be set");
    }
    if (fusion == null) {
      throw new IllegalArgumentException("hybrid fusion must be set");
    }
    ReaderSettings.requirePositive("topK", topK);
    ReaderSettings.requirePositive("candidates", candidates);
    if (!(denseWeight >= 0 && denseWeight <= 1)) {
      throw new IllegalArgumentException("denseWeight must be in [0, 1]; denseWeight=" + denseWeight);
    }
    ReaderSettings.requirePositive("rrfK", rrfK);
    ReaderSettings.requirePositive("maxQuestionChars", maxQuestionChars);
    ReaderSettings.requirePositive("maxQueryTerms", maxQueryTerms);
  }

  /** The given mode and top-k with the default tuning. */
  public RetrievalSettings(RetrieverMode mode, int topK) {
    this(mode, topK, 50, HybridFusion.CONVEX, 0.8, 60, 2_000, 64);
  }

  public static RetrievalSettings defaults() {
    return new RetrievalSettings(RetrieverMode.HYBRID, 5);
  }

  public RetrievalSettings withMode(RetrieverMode value) {
    return new RetrievalSettings(value, topK, candidates, fusion, denseWeight, rrfK, maxQuestionChars, maxQueryTerms);
  }

  public RetrievalSettings withTopK(int value) {
    return new RetrievalSettings(mode, value, candidates, fusion, denseWeight, rrfK, maxQuestionChars, maxQueryTerms);
  }

  public RetrievalSettings withFusion(HybridFusion value, double weight) {
    return new RetrievalSettings(mode, topK, candidates, value, weight, rrfK, maxQuestionChars, maxQueryTerms);
  }
}
