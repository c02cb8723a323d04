package dev.docqa.eval;

import static dev.docqa.eval.SquadScoring.V1_1;
import static dev.docqa.eval.SquadScoring.V2_0;
import static dev.docqa.eval.SquadScoring.normalize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Expected values are hand-computed from the official scripts' definitions (evaluate-v1.1.py, evaluate-v2.0.py). */
class SquadScoringTest {

  @Test
  void normalizeLowercasesDropsAsciiPunctuationArticlesAndExtraSpace() {
    assertEquals("quick brown fox", normalize("The  Quick, brown fox!"));
    assertEquals("usa", normalize("U.S.A."));
    assertEquals("annes book", normalize("Anne's  book"));
    assertEquals("", normalize("a an the"));
    assertEquals("theater", normalize("Theater"));
    assertEquals("", normalize("  \t\n "));
  }

  @Test
  void punctuationGoesBeforeArticlesSoJoinedArticlesSurvive() {
    // "the-end" loses its hyphen first and becomes one word, so "the" is no longer a whole word.
    assertEquals("theend", normalize("the-end"));
  }

  @Test
  void articleBoundariesAreUnicodeWordBoundariesAsInPython3() {
    // é is a word character for Python's re on str: no boundary before "the", nothing is removed.
    assertEquals("éthe", normalize("éthe"));
    // An em dash is not ASCII punctuation (kept) but is a word boundary, so the article "a" goes.
    assertEquals("—b", normalize("a—b"));
    assertEquals("«hello»", normalize("«Hello»"));
  }

  @Test
  void whitespaceIsPythonsStrSplit() {
    assertEquals("x y", normalize("x\u00a0y"));
    assertEquals("x y z", normalize("x\u2003y\u0085z"));
    assertEquals("x\u200by", normalize("x\u200by")); // zero-width space is not whitespace in Python
  }

  @ParameterizedTest
  @EnumSource(SquadScoring.class)
  void f1CountsSharedTokensWithMultiplicity(SquadScoring scoring) {
    // gold [cat, sat, on, mat], prediction [cat, on, mat]: P = 1, R = 3/4, F1 = 6/7.
    assertEquals(6.0 / 7, scoring.f1Max(List.of("the cat sat on the mat"), "cat on mat"), 1e-12);
    // gold [x, y, y], prediction [y, y, y, z]: shared 2 (min counts), P = 2/4, R = 2/3, F1 = 4/7.
    assertEquals(4.0 / 7, scoring.f1Max(List.of("x y y"), "y y y z"), 1e-12);
    assertEquals(0.0, scoring.f1Max(List.of("Denver Broncos"), "Carolina Panthers"), 0);
  }

  @ParameterizedTest
  @EnumSource(SquadScoring.class)
  void scoresAreTheMaximumOverGoldAnswers(SquadScoring scoring) {
    List<String> gold = List.of("Denver Broncos", "Broncos", "the Broncos");
    assertEquals(1.0, scoring.exactMax(gold, "broncos."));
    assertEquals(0.0, scoring.exactMax(gold, "Denver"));
    // "denver" vs "denver broncos": P = 1, R = 1/2, F1 = 2/3; vs "broncos": 0.
    assertEquals(2.0 / 3, scoring.f1Max(gold, "Denver"), 1e-12);
  }

  @Test
  void v2UnanswerableQuestionsHaveTheSingleGoldAnswerEmpty() {
    assertEquals(1.0, V2_0.exactMax(List.of(), ""));
    assertEquals(1.0, V2_0.f1Max(List.of(), ""));
    assertEquals(0.0, V2_0.exactMax(List.of(), "Denver"));
    assertEquals(0.0, V2_0.f1Max(List.of(), "Denver"));
    // An answerable question predicted as no-answer scores 0 on both.
    assertEquals(0.0, V2_0.f1Max(List.of("Denver"), ""));
  }

  @Test
  void v2DropsGoldTextsThatNormaliseToNothing() {
    // "The" normalises to "" so it is dropped; no gold is left, so the gold becomes [""].
    assertEquals(1.0, V2_0.f1Max(List.of("The"), ""));
    assertEquals(0.0, V2_0.f1Max(List.of("The", "a"), "the answer"));
    // Kept golds are scored as usual; the empty one does not count.
    assertEquals(0.0, V2_0.exactMax(List.of("!!", "Denver"), ""));
  }

  @Test
  void v1ScoresEveryGoldTextAsGivenAndNeverCreditsAnEmptyF1() {
    // evaluate-v1.1.py: EM compares normalised strings ("" == ""), but F1 is 0 without a shared token.
    assertEquals(1.0, V1_1.exactMax(List.of("The"), ""));
    assertEquals(0.0, V1_1.f1Max(List.of("The"), ""));
    assertEquals(0.0, V1_1.f1Max(List.of(""), ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> V1_1.f1Max(List.of(), "x"));
    assertEquals("SQuAD v1.1 scoring needs at least one gold answer", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"Paris,paris,1", "'the Eiffel Tower','Eiffel tower!',1", "'1,000','1000',1", "'1,000','1 000',0"})
  void exactMatchIsOnNormalisedText(String gold, String prediction, double expected) {
    assertEquals(expected, V2_0.exact(gold, prediction));
    assertEquals(expected, V1_1.exact(gold, prediction));
  }
}
