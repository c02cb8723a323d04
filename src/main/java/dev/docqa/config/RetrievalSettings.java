package dev.docqa.config;

/**
 * How passages are retrieved for a question.
 *
 * @param mode {@code bm25}, {@code dense} or {@code hybrid}
 * @param topK passages handed to the reader
 * @param candidates passages each signal ranks before fusion, also the HNSW search breadth; at least {@code topK} are
 *     always taken
 * @param rrfK the constant k of reciprocal rank fusion, {@code score = sum 1 / (k + rank)}
 * @param maxQuestionChars questions are cut to this many code points (at a word boundary when there is one)
 * @param maxQueryTerms distinct analysed terms of a BM25 query, in question order
 */
public record RetrievalSettings(
    RetrieverMode mode, int topK, int candidates, int rrfK, int maxQuestionChars, int maxQueryTerms) {

  public RetrievalSettings {
    if (mode == null) {
      throw new IllegalArgumentException("retriever mode must be set");
    }
    ReaderSettings.requirePositive("topK", topK);
    ReaderSettings.requirePositive("candidates", candidates);
    ReaderSettings.requirePositive("rrfK", rrfK);
    ReaderSettings.requirePositive("maxQuestionChars", maxQuestionChars);
    ReaderSettings.requirePositive("maxQueryTerms", maxQueryTerms);
  }

  /** The given mode and top-k with default tuning. */
  public RetrievalSettings(RetrieverMode mode, int topK) {
    this(mode, topK, 50, 60, 2_000, 64);
  }

  public static RetrievalSettings defaults() {
    return new RetrievalSettings(RetrieverMode.HYBRID, 5);
  }

  public RetrievalSettings withMode(RetrieverMode value) {
    return new RetrievalSettings(value, topK, candidates, rrfK, maxQuestionChars, maxQueryTerms);
  }

  public RetrievalSettings withTopK(int value) {
    return new RetrievalSettings(mode, value, candidates, rrfK, maxQuestionChars, maxQueryTerms);
  }
}
