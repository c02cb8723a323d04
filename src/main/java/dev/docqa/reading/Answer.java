package dev.docqa.reading;

import dev.docqa.document.Passage;

/**
 * One answer span found by the reader.
 *
 * @param text exactly the passage text between {@code start} and {@code end}
 * @param score ranking score: the raw start+end logit sum in the default mode (comparable across windows and
 *     passages), p_start*p_end in pipeline-compatible mode
 * @param confidence a calibrated value in [0, 1] that orders answers as {@code score} does
 * @param passage the passage the span was read from
 * @param start code-point offset of the span in {@code passage.text()}
 * @param end code-point offset (exclusive) of the span in {@code passage.text()}
 */
public record Answer(String text, double score, double confidence, Passage passage, int start, int end) {

  /** Code-point offset of the span in the document's canonical text. */
  public int documentStart() {
    return passage.start() + start;
  }

  /** Code-point offset (exclusive) of the span in the document's canonical text. */
  public int documentEnd() {
    return passage.start() + end;
  }
}
