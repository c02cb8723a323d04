package dev.docqa.config;

/**
 * How passages are retrieved for a question.
 *
 * @param mode {@code bm25}, {@code dense} or {@code hybrid}
 * @param topK passages handed to the reader
 */
public record RetrievalSettings(RetrieverMode mode, int topK) {

  public RetrievalSettings {
    if (mode == null) {
      throw new IllegalArgumentException("retriever mode must be set");
    }
    ReaderSettings.requirePositive("topK", topK);
  }

  public static RetrievalSettings defaults() {
    return new RetrievalSettings(RetrieverMode.HYBRID, 5);
  }
}
