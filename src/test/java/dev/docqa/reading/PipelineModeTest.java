package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipeline-compatible mode against a line-by-line transcription of transformers 4.57
 * {@code QuestionAnsweringPipeline} ({@code select_starts_ends}, {@code decode_spans}, {@code postprocess},
 * {@code get_indices}, {@code get_answer}) applied to the oracle's single-window logits.
 */
class PipelineModeTest {

  private static final long SEED = Long.getLong("tests.seed", 0x5EED_2026L) + 7;
  private static final long CLS_TOKEN_ID = 101; // [CLS] in the uncased BERT vocabulary
  private static final double TOLERANCE = 1e-5;

  @TempDir static Path cache;
  private static final List<Reader> READERS = new ArrayList<>();
  private static final List<BruteForceOracle> ORACLES = new ArrayList<>();

  @BeforeAll
  static void open() throws Exception {
    String noTypes = TinyModels.testModel("tiny-qa-notype").toString();
    Object[][] configs = {{TinyModels.WITH_TYPES, 64, 16}, {noTypes, 48, 12}, {TinyModels.WITH_TYPES, 128, 32}};
    for (Object[] c : configs) {
      Reader reader =
          Reader.open(
              new ReaderSettings((String) c[0], (int) c[1], (int) c[2], 15, 6, 1), ModelResolver.withoutS3(cache));
      READERS.add(reader);
      ORACLES.add(new BruteForceOracle(reader.model(), (int) c[1], (int) c[2]));
    }
  }

  @AfterAll
  static void close() {
    READERS.forEach(Reader::close);
    ORACLES.forEach(BruteForceOracle::close);
  }

  /** One pipeline answer dict: score, start, end, answer. */
  private static final class Dict {
    double score;
    final int start;
    final int end;
    final String answer;
    final boolean isNull;

    Dict(double score, int start, int end, String answer, boolean isNull) {
      this.score = score;
      this.start = start;
      this.end = end;
      this.answer = answer;
      this.isNull = isNull;
    }
  }

  private int merges;
  private int caseInsensitiveMerges;

  @Test
  void matchesTheTranscribedPipelineOnRandomCases() throws Exception {
    Random random = new Random(SEED);
    int cases = 300;
    int multiWindow = 0;
    int noAnswers = 0;
    int nullListed = 0;
    for (int c = 0; c < cases; c++) {
      int setup = c % READERS.size();
      String question = RandomTexts.question(random);
      // Tiny contexts too (fewer spans than top_k, so the null answer is listed), and blank ones (no span at all).
      int size = new int[] {0, 3, 3, 30, 110}[random.nextInt(5)];
      String context = size == 0 ? " \t\r\n " : RandomTexts.words(random, 1 + random.nextInt(size));
      Passage passage = Passage.ofText("doc", context);
      ReadOptions options =
          ReadOptions.defaults()
              .withScoring(ReadOptions.Scoring.PIPELINE)
              .withTopK(1 + random.nextInt(6))
              .withMaxAnswerLength(1 + random.nextInt(16))
              .withAlignToWords(random.nextBoolean())
              .withHandleImpossibleAnswer(random.nextBoolean());
      List<BruteForceOracle.OracleWindow> windows = ORACLES.get(setup).windows(question, List.of(passage));
      List<Dict> expected =
          postprocess(windows, context, options.topK(), options.maxAnswerLength(), options.handleImpossibleAnswer(),
              options.alignToWords());
      ReaderResult result = READERS.get(setup).read(question, List.of(passage), options);
      String where = "case " + c + " (seed " + SEED + ", setup " + setup + ", " + options + ")";

      List<Dict> answers = expected.stream().filter(d -> !d.isNull).toList();
      assertEquals(answers.size(), result.answers().size(), "answer count, " + where);
      for (int i = 0; i < answers.size(); i++) {
        Dict want = answers.get(i);
        Answer got = result.answers().get(i);
        assertEquals(want.score, got.score(), TOLERANCE, "score at rank " + i + ", " + where);
        boolean isolated =
            (i == 0 || answers.get(i - 1).score - want.score > 10 * TOLERANCE)
                && (i + 1 >= answers.size() || want.score - answers.get(i + 1).score > 10 * TOLERANCE);
        if (isolated) {
          assertEquals(want.answer, got.text(), "answer at rank " + i + ", " + where);
          assertEquals(want.start + "-" + want.end, got.start() + "-" + got.end(), "offsets at rank " + i + ", " + where);
        }
        assertEquals(Math.min(1.0, got.score()), got.confidence(), 0.0);
      }
      boolean noAnswer = expected.isEmpty() || expected.get(0).isNull;
      assertEquals(noAnswer, result.noAnswer(), "no answer, " + where);
      if (options.handleImpossibleAnswer()) {
        double minNull = expected.stream().filter(d -> d.isNull).mapToDouble(d -> d.score).findFirst().orElse(Double.NaN);
        if (!Double.isNaN(minNull)) {
          assertEquals(minNull, result.nullScore(), TOLERANCE, "min_null_score, " + where);
          nullListed++;
        }
      } else {
        assertTrue(Double.isNaN(result.nullScore()), where);
      }
      multiWindow += windows.size() > 1 ? 1 : 0;
      noAnswers += noAnswer ? 1 : 0;
    }
    assertTrue(multiWindow >= 30, "multi-window cases: " + multiWindow);
    assertTrue(noAnswers >= 5, "no-answer cases: " + noAnswers);
    assertTrue(nullListed >= 20, "cases listing the null answer: " + nullListed);
    assertTrue(merges >= 20, "merged answers: " + merges);
    assertTrue(caseInsensitiveMerges >= 1, "merges of differently cased text: " + caseInsensitiveMerges);
  }

  /** {@code QuestionAnsweringPipeline.postprocess} for one context, as transformers 4.57 writes it. */
  private List<Dict> postprocess(
      List<BruteForceOracle.OracleWindow> windows, String context, int topK, int maxAnswerLen, boolean handleImpossible,
      boolean alignToWords) {
    double minNullScore = 1000000;
    List<Dict> answers = new ArrayList<>();
    for (BruteForceOracle.OracleWindow w : windows) {
      int preTopK = alignToWords ? topK * 2 + 10 : topK;
      int n = w.ids().length;
      // p_mask: 1 for non-context tokens, 0 for context and CLS; undesired_tokens = abs(p_mask - 1) & attention_mask
      boolean[] undesiredIsZero = new boolean[n];
      for (int i = 0; i < n; i++) {
        boolean pMask = w.sequenceIds()[i] != 1 && w.ids()[i] != CLS_TOKEN_ID;
        undesiredIsZero[i] = pMask;
      }
      double[] start = softmax(masked(w.start(), undesiredIsZero));
      double[] end = softmax(masked(w.end(), undesiredIsZero));
      if (handleImpossible) {
        minNullScore = Math.min(minNullScore, start[0] * end[0]);
      }
      start[0] = 0;
      end[0] = 0;
      // decode_spans: outer product, np.tril(np.triu(outer), max_answer_len - 1), best pre_topk, then desired spans
      List<int[]> flat = new ArrayList<>();
      double[][] candidates = new double[n][n];
      for (int s = 0; s < n; s++) {
        for (int e = 0; e < n; e++) {
          candidates[s][e] = e >= s && e - s <= maxAnswerLen - 1 ? start[s] * end[e] : 0;
          flat.add(new int[] {s, e});
        }
      }
      flat.sort(Comparator.comparingDouble((int[] se) -> -candidates[se[0]][se[1]])); // stable: ties by flat index
      for (int[] se : flat.subList(0, Math.min(preTopK, flat.size()))) {
        int s = se[0];
        int e = se[1];
        double score = candidates[s][e];
        if (undesiredIsZero[s] || undesiredIsZero[e] || score == 0) {
          continue; // filtered by desired_spans; zero-score fillers are the documented difference
        }
        int[] chars = w.chars(s, e, alignToWords);
        String target = context.substring(
            context.offsetByCodePoints(0, chars[0]), context.offsetByCodePoints(0, chars[1]));
        Dict same = null;
        for (Dict answer : answers) {
          if (answer.answer.toLowerCase(Locale.ROOT).equals(target.toLowerCase(Locale.ROOT))) {
            same = answer;
            break;
          }
        }
        if (same != null) {
          same.score += score;
          merges++;
          caseInsensitiveMerges += same.answer.equals(target) ? 0 : 1;
        } else {
          answers.add(new Dict(score, chars[0], chars[1], target, false));
        }
      }
    }
    if (handleImpossible) {
      answers.add(new Dict(minNullScore, 0, 0, "", true));
    }
    List<Dict> sorted = new ArrayList<>(answers);
    sorted.sort(Comparator.comparingDouble((Dict d) -> -d.score));
    return sorted.subList(0, Math.min(topK, sorted.size()));
  }

  private static double[] masked(float[] logits, boolean[] undesiredIsZero) {
    double[] values = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      values[i] = undesiredIsZero[i] ? -10000.0 : logits[i];
    }
    return values;
  }

  private static double[] softmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double[] out = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.exp(x[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < x.length; i++) {
      out[i] /= sum;
    }
    return out;
  }
}
