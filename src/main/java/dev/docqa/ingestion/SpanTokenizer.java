package dev.docqa.ingestion;

import java.util.List;

/**
 * The reader's tokenization as far as passage sizing needs it: where each token of a text lies. Implementations are
 * thread-safe.
 */
public interface SpanTokenizer {

  /**
   * Tokenizes each text on its own, without special tokens or truncation.
   *
   * @return for each text, its tokens' code-point spans relative to that text, flattened as
   *     {@code [start0, end0, start1, end1, ...]} in ascending order
   */
  int[][] tokenSpans(List<String> texts);
}
