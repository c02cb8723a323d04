package dev.docqa.reading;

import dev.docqa.document.Passage;
import java.util.Random;

/** Seeded generator of awkward text: accents, emoji (surrogate pairs, modifiers, flags), CJK, CRLF, tabs, runs of spaces. */
final class RandomTexts {

  private static final String[] WORDS = {
    "the", "river", "flows", "north", "Zürich", "café", "naïve", "façade", "Ångström", "résumé", "İstanbul", "straße",
    "emoji😀", "👍🏽", "🇫🇷", "🙂🙂", "中文", "日本語", "x²", "CO₂", "—", "...", "(note)", "don't", "e-mail", "1,234.56",
    "https://example.org/a?b=c", "#tag", "Ω", "e\u0301", "zero\u200Bwidth", "tokenization", "unbelievably",
    "Mississippi", "The", "RIVER", "pneumonoultramicroscopic", "2026-11-22", "$40", "über", "niño", "ﬁne", "Ⅻ", "ǅ", "a", "I", "of"
  };
  private static final String[] QUESTION_WORDS = {
    "what", "where", "does", "the", "river", "café", "Zürich", "😀", "flow", "İstanbul", "中", "naïve", "of"
  };
  private static final String[] SEPARATORS = {
    " ", " ", " ", " ", "  ", "\t", "\r\n", "\n\n", " \u00A0 ", "\u3000", "   \t  ", ", ", ". "
  };

  private RandomTexts() {}

  static String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        text.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }

  /** Mostly short and medium passages, some long enough for many windows, a few empty-ish. */
  static String passage(Random random, int longWords) {
    return switch (random.nextInt(8)) {
      case 0 -> words(random, random.nextInt(3));
      case 1, 2 -> words(random, 5 + random.nextInt(40));
      case 3, 4 -> words(random, 40 + random.nextInt(120));
      default -> (random.nextBoolean() ? "  \t" : "") + words(random, longWords / 2 + random.nextInt(longWords))
          + (random.nextBoolean() ? "\r\n" : "");
    };
  }

  /** A passage that is a whole text of its own, numbered {@code ordinal}. */
  static Passage asPassage(String documentId, int ordinal, String text) {
    return new Passage(documentId, ordinal, text, 0, text.codePointCount(0, text.length()), null);
  }

  /** 1 to 5 words of at most a few tokens each, so a question always leaves room in a 40-token window. */
  static String question(Random random) {
    StringBuilder question = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
      question.append(i == 0 ? "" : " ").append(QUESTION_WORDS[random.nextInt(QUESTION_WORDS.length)]);
    }
    return question.append('?').toString();
  }
}
