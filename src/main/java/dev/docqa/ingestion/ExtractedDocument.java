package dev.docqa.ingestion;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A document's canonical text: the text every passage and answer offset refers to, in Unicode code points.
 *
 * @param text the canonical text; for plain-text formats (text, Markdown) exactly the decoded file minus a BOM
 * @param pageStarts code-point offset where each page begins (page {@code i} starts at {@code pageStarts.get(i - 1)});
 *     empty for formats without pages
 * @param mediaType the media type detected from the content (and the name as a hint), e.g. {@code application/pdf}
 * @param charset the charset a plain-text file was decoded with, or {@code null} when a parser produced the text
 * @param contentHash lower-case hex SHA-256 of the UTF-8 canonical text: equal text, equal hash
 */
public record ExtractedDocument(
    String text, List<Integer> pageStarts, String mediaType, String charset, String contentHash) {

  public ExtractedDocument {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(contentHash, "contentHash");
    pageStarts = List.copyOf(pageStarts);
    for (int i = 1; i < pageStarts.size(); i++) {
      if (pageStarts.get(i) < pageStarts.get(i - 1)) {
        throw new IllegalArgumentException("pageStarts must be ascending; pageStarts=" + pageStarts);
      }
    }
    if (!pageStarts.isEmpty() && pageStarts.get(0) < 0) {
      throw new IllegalArgumentException("pageStarts must be >= 0; pageStarts=" + pageStarts);
    }
  }

  /** Number of pages, 0 when the format has none. */
  public int pageCount() {
    return pageStarts.size();
  }

  /**
   * The 1-based page holding the code point at {@code offset}, or {@code null} when the document has no pages. Text
   * before the first page boundary counts as page 1.
   */
  public Integer pageAt(int offset) {
    if (pageStarts.isEmpty()) {
      return null;
    }
    int i = Collections.binarySearch(pageStarts, offset);
    // Several empty pages may start at one offset: the last of them holds the text.
    if (i >= 0) {
      while (i + 1 < pageStarts.size() && pageStarts.get(i + 1) == offset) {
        i++;
      }
      return i + 1;
    }
    return Math.max(1, -i - 1);
  }

  @Override
  public String toString() {
    return "ExtractedDocument[mediaType=" + mediaType + ", charset=" + charset + ", chars=" + text.length()
        + ", pages=" + pageStarts.size() + ", contentHash=" + contentHash + "]";
  }
}
