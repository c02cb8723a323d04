package dev.docqa.ingestion;

import dev.docqa.config.IngestSettings;
import dev.docqa.document.Passage;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Splits a document's canonical text into overlapping passages of at most {@code passageTargetTokens} reader tokens.
 *
 * <p>The text is cut into units (sentences from {@link BreakIterator}, also cut at blank lines so headings and list
 * blocks stand apart); each unit is tokenized once, in batches. Passages are then packed from whole units; a passage
 * ends at the last unit boundary that fits, and the next one starts with the trailing whole units of at most
 * {@code passageOverlapTokens} tokens. A unit longer than a passage is cut at token boundaries, with a token overlap.
 * Every step is linear in the text: no string is tokenized twice and no growing string is re-measured.
 *
 * <p>A passage runs from the start of its first token to the end of its last, so its text is exactly
 * {@code text[start, end)} in code points, trimmed of surrounding whitespace; its page is the page of its start.
 *
 * <p>Thread-safe if its {@link SpanTokenizer} is (state lives in each call).
 */
public final class PassageSplitter {

  /** Units per tokenizer call, and a cap on their characters: few native calls, bounded batch memory. */
  private static final int BATCH_UNITS = 256;

  private static final int BATCH_CHARS = 256 * 1024;

  private final SpanTokenizer tokenizer;
  private final int targetTokens;
  private final int overlapTokens;

  public PassageSplitter(SpanTokenizer tokenizer, IngestSettings settings) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.targetTokens = settings.passageTargetTokens();
    this.overlapTokens = settings.passageOverlapTokens();
  }

  /** The passages of {@code document}, in text order, ordinals from 0. Empty when the text has no tokens. */
  public List<Passage> split(String documentId, ExtractedDocument document) {
    Objects.requireNonNull(documentId, "documentId");
    String text = document.text();
    Tokens tokens = tokenize(text, unitBounds(text));
    List<Passage> passages = new ArrayList<>();
    CodePointCursor startCursor = new CodePointCursor(text);
    CodePointCursor endCursor = new CodePointCursor(text);
    int n = tokens.size;
    int start = 0;
    int previousEnd = 0;
    while (start < n) {
      int end = passageEnd(tokens, start, previousEnd);
      int from = tokens.starts[start];
      int to = tokens.ends[end - 1];
      String passageText = text.substring(startCursor.utf16(from), endCursor.utf16(to));
      passages.add(new Passage(documentId, passages.size(), passageText, from, to, document.pageAt(from)));
      if (end == n) {
        break;
      }
      start = nextStart(tokens, start, end);
      previousEnd = end;
    }
    return passages;
  }

  /** Exclusive end token of the passage from {@code start}: the last unit boundary that fits, else a token cut. */
  private int passageEnd(Tokens tokens, int start, int previousEnd) {
    int limit = start + targetTokens;
    if (limit >= tokens.size) {
      return tokens.size;
    }
    int boundary = tokens.unitStarts.previousSetBit(limit);
    // The boundary must move past the previous passage, or overlap alone would make a passage.
    return boundary > start && boundary > previousEnd ? boundary : limit;
  }

  /** First token of the next passage: trailing whole units within the overlap, or a token overlap inside a unit. */
  private int nextStart(Tokens tokens, int start, int end) {
    if (overlapTokens == 0) {
      return end;
    }
    int earliest = Math.max(end - overlapTokens, start + 1);
    if (tokens.unitStarts.get(end)) {
      int unitStart = tokens.unitStarts.nextSetBit(earliest);
      return unitStart < end ? unitStart : end;
    }
    return earliest;
  }

  /** Unit boundaries as UTF-16 indices, ascending, from 0 to {@code text.length()}. */
  private static int[] unitBounds(String text) {
    IntList bounds = new IntList(text.length() / 64 + 2);
    BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
    sentences.setText(text);
    int from = sentences.first();
    bounds.add(from);
    for (int to = sentences.next(); to != BreakIterator.DONE; from = to, to = sentences.next()) {
      addParagraphBreaks(text, from, to, bounds);
      bounds.add(to);
    }
    return bounds.toArray();
  }

  /** Adds a boundary after each blank line strictly inside {@code [from, to)}. */
  private static void addParagraphBreaks(String text, int from, int to, IntList bounds) {
    int newlines = 0;
    for (int i = from; i < to - 1; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        newlines++;
      } else if (c != '\r' && c != ' ' && c != '\t') {
        if (newlines >= 2) {
          bounds.add(i);
        }
        newlines = 0;
      }
    }
  }

  /** Tokenizes every unit once and records token spans in document code points, and which tokens start a unit. */
  private Tokens tokenize(String text, int[] bounds) {
    Tokens tokens = new Tokens(text.length() / 4 + 16);
    int unitCount = bounds.length - 1;
    int codePointsBefore = 0; // code points before bounds[next unit to place]
    int placed = 0;
    List<String> batch = new ArrayList<>(BATCH_UNITS);
    int unit = 0;
    while (unit < unitCount) {
      batch.clear();
      int batchStart = unit;
      int chars = 0;
      while (unit < unitCount && batch.size() < BATCH_UNITS && (batch.isEmpty() || chars < BATCH_CHARS)) {
        String unitText = text.substring(bounds[unit], bounds[unit + 1]);
        batch.add(unitText);
        chars += unitText.length();
        unit++;
      }
      int[][] spans = tokenizer.tokenSpans(batch);
      for (int i = 0; i < spans.length; i++) {
        int u = batchStart + i;
        codePointsBefore += Character.codePointCount(text, bounds[placed], bounds[u]);
        placed = u;
        int[] unitSpans = spans[i];
        for (int k = 0; k < unitSpans.length; k += 2) {
          tokens.add(codePointsBefore + unitSpans[k], codePointsBefore + unitSpans[k + 1], k == 0);
        }
      }
    }
    return tokens;
  }

  /** Token spans of the whole document, in code points, with the tokens that begin a unit. */
  private static final class Tokens {
    int[] starts;
    int[] ends;
    final BitSet unitStarts = new BitSet();
    int size;

    Tokens(int capacity) {
      starts = new int[capacity];
      ends = new int[capacity];
    }

    void add(int start, int end, boolean unitStart) {
      if (size == starts.length) {
        int capacity = Math.max(16, size + (size >> 1));
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
      }
      if (unitStart) {
        unitStarts.set(size);
      }
      starts[size] = start;
      ends[size] = end;
      size++;
    }
  }

  /** Converts ascending code-point offsets to UTF-16 indices, walking forward only. */
  private static final class CodePointCursor {
    private final String text;
    private int codePoint;
    private int utf16;

    CodePointCursor(String text) {
      this.text = text;
    }

    int utf16(int targetCodePoint) {
      utf16 = text.offsetByCodePoints(utf16, targetCodePoint - codePoint);
      codePoint = targetCodePoint;
      return utf16;
    }
  }

  /** A growable int array, for unit boundaries. */
  private static final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
      values = new int[Math.max(2, capacity)];
    }

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size + (size >> 1));
      }
      values[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
