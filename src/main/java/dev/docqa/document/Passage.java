package dev.docqa.document;

import java.util.Objects;

/**
 * A contiguous span of a document's canonical (extracted) text: the unit that is indexed, retrieved and read.
 *
 * <p>{@code start} and {@code end} are Unicode code-point offsets into the document text, so
 * {@code documentText.codePoints().skip(start).limit(end - start)} equals {@link #text()}. {@code page} is the 1-based
 * page the passage starts on, or {@code null} when the format has no pages.
 */
public record Passage(String documentId, int ordinal, String text, int start, int end, Integer page) {

  public Passage {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(text, "text");
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be >= 0; ordinal=" + ordinal);
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("need 0 <= start <= end; start=" + start + ", end=" + end);
    }
    if (page != null && page < 1) {
      throw new IllegalArgumentException("page must be >= 1 when set; page=" + page);
    }
  }

  /** A passage that is a whole text of its own, e.g. a context given directly with a question. */
  public static Passage ofText(String documentId, String text) {
    return new Passage(documentId, 0, text, 0, text.codePointCount(0, text.length()), null);
  }
}
