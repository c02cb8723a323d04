package dev.docqa.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Exact match and F1 of a predicted answer against gold answers, as the official SQuAD evaluation scripts compute them.
 * The two versions share {@link #normalize(String)} and differ only at the edges:
 *
 * <ul>
 *   <li>{@link #V1_1} ({@code evaluate-v1.1.py}) scores against every gold text as given; F1 is 0 whenever no token is
 *       shared, so an empty prediction never scores.
 *   <li>{@link #V2_0} ({@code evaluate-v2.0.py}) drops gold texts that normalise to nothing, and a question left without
 *       gold texts has the single gold answer {@code ""} (unanswerable); F1 is 1 when prediction and gold are both empty
 *       after normalisation, 0 when only one is.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public enum SquadScoring {
  V1_1 {
    @Override
    List<String> effectiveGold(List<String> goldTexts) {
      if (goldTexts.isEmpty()) {
        throw new IllegalArgumentException("SQuAD v1.1 scoring needs at least one gold answer");
      }
      return goldTexts;
    }

    @Override
    double f1(String gold, String prediction) {
      List<String> goldTokens = tokens(gold);
      List<String> predictionTokens = tokens(prediction);
      return tokenF1(goldTokens, predictionTokens);
    }
  },

  V2_0 {
    @Override
    List<String> effectiveGold(List<String> goldTexts) {
      List<String> kept = goldTexts.stream().filter(text -> !normalize(text).isEmpty()).toList();
      return kept.isEmpty() ? List.of("") : kept;
    }

    @Override
    double f1(String gold, String prediction) {
      List<String> goldTokens = tokens(gold);
      List<String> predictionTokens = tokens(prediction);
      if (goldTokens.isEmpty() || predictionTokens.isEmpty()) {
        // No-answer on either side: right only when both are empty.
        return goldTokens.equals(predictionTokens) ? 1 : 0;
      }
      return tokenF1(goldTokens, predictionTokens);
    }
  };

  /** Python's {@code \b(a|an|the)\b} on str patterns: word boundaries are Unicode-aware there. */
  private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

  /** Python's {@code string.punctuation}: ASCII only. */
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  /** The gold texts a prediction is scored against, after this version's empty-answer rules. */
  abstract List<String> effectiveGold(List<String> goldTexts);

  /** Token-overlap F1 of a prediction against one gold text. */
  abstract double f1(String gold, String prediction);

  /** 1 when prediction and gold are equal after {@link #normalize(String)}, else 0. */
  public double exact(String gold, String prediction) {
    return normalize(gold).equals(normalize(prediction)) ? 1 : 0;
  }

  /** The best exact match over the gold answers (max over golds, as the scripts do). */
  public double exactMax(List<String> goldTexts, String prediction) {
    return effectiveGold(goldTexts).stream().mapToDouble(gold -> exact(gold, prediction)).max().orElseThrow();
  }

  /** The best F1 over the gold answers (max over golds, as the scripts do). */
  public double f1Max(List<String> goldTexts, String prediction) {
    return effectiveGold(goldTexts).stream().mapToDouble(gold -> f1(gold, prediction)).max().orElseThrow();
  }

  /**
   * The scripts' {@code normalize_answer}: lower-case, remove ASCII punctuation, replace the words a/an/the with a
   * space, then collapse whitespace runs to one space and trim.
   */
  public static String normalize(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder withoutPunctuation = new StringBuilder(lower.length());
    lower.codePoints()
        .filter(cp -> cp > 0x7f || PUNCTUATION.indexOf(cp) < 0)
        .forEach(withoutPunctuation::appendCodePoint);
    String withoutArticles = ARTICLES.matcher(withoutPunctuation).replaceAll(" ");
    return String.join(" ", splitOnWhitespace(withoutArticles));
  }

  private static List<String> tokens(String text) {
    return text.isEmpty() ? List.of() : splitOnWhitespace(normalize(text));
  }

  private static double tokenF1(List<String> goldTokens, List<String> predictionTokens) {
    Map<String, Integer> goldCounts = new HashMap<>();
    goldTokens.forEach(token -> goldCounts.merge(token, 1, Integer::sum));
    int shared = 0;
    for (String token : predictionTokens) {
      Integer left = goldCounts.get(token);
      if (left != null && left > 0) {
        goldCounts.put(token, left - 1);
        shared++;
      }
    }
    if (shared == 0) {
      return 0;
    }
    double precision = (double) shared / predictionTokens.size();
    double recall = (double) shared / goldTokens.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** Python's argument-less {@code str.split()}: runs of {@code str.isspace()} characters separate tokens. */
  private static List<String> splitOnWhitespace(CharSequence text) {
    List<String> parts = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      if (isPythonSpace(text.charAt(i))) {
        if (start >= 0) {
          parts.add(text.subSequence(start, i).toString());
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      parts.add(text.subSequence(start, text.length()).toString());
    }
    return parts;
  }

  /** {@code str.isspace()}: bidi classes WS, B, S and category Zs (all in the BMP, so a char suffices). */
  private static boolean isPythonSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
