package dev.docqa.retrieval;

import dev.docqa.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Turns a user's question into bounded query input without any query syntax: the question is cut to a number of code
 * points, and BM25 terms come from the index analyzer, distinct, in question order, up to a limit. Stateless.
 */
final class QueryText {

  private QueryText() {}

  /**
   * The question, stripped and cut to {@code maxChars} code points (back to the last whitespace when that keeps at
   * least half), never splitting a surrogate pair.
   *
   * @throws InvalidInputException when the question is null or blank
   */
  static String bounded(String question, int maxChars) {
    if (question == null || question.isBlank()) {
      throw new InvalidInputException("question must not be blank; question=" + quote(question));
    }
    String text = question.strip();
    if (text.codePointCount(0, text.length()) <= maxChars) {
      return text;
    }
    int end = text.offsetByCodePoints(0, maxChars);
    int space = lastWhitespace(text, end);
    return text.substring(0, space > end / 2 ? space : end).strip();
  }

  private static int lastWhitespace(String text, int end) {
    for (int i = end; i > 0; i--) {
      if (Character.isWhitespace(text.charAt(i - 1))) {
        return i - 1;
      }
    }
    return -1;
  }

  /** Distinct analysed terms of {@code text} in order of first appearance, at most {@code maxTerms}. */
  static List<String> terms(Analyzer analyzer, String field, String text, int maxTerms) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream stream = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (terms.size() < maxTerms && stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      // Analysing an in-memory string does no I/O; the analyzer chain says IOException only by signature.
      throw new UncheckedIOException("analysing a question failed", e);
    }
    return List.copyOf(terms);
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
