package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.config.ReaderSettings;
import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's global-logit decoding against a brute-force oracle on hundreds of seeded random cases, real inference
 * on both tiny models (with and without token type ids), several window sizes and strides.
 */
class ReaderOracleTest {

  private static final long SEED = Long.getLong("tests.seed", 0x5EED_2026L);
  /** Batched (padded) and single-window logits differ by float rounding only. */
  private static final double SCORE_TOLERANCE = 1e-3;

  @TempDir static Path cache;

  private static final List<Setup> SETUPS = new ArrayList<>();

  /** One reader configuration with its oracle. */
  private record Setup(String label, Reader reader, BruteForceOracle oracle, int longWords) {}

  @BeforeAll
  static void open() throws Exception {
    ModelResolver resolver = ModelResolver.withoutS3(cache);
    String noTypes = TinyModels.testModel("tiny-qa-notype").toString();
    // {model, maxSeqLength, docStride, maxBatchSize, words in a long passage}
    Object[][] configs = {
      {TinyModels.WITH_TYPES, 384, 128, 32, 900},
      {noTypes, 384, 128, 7, 900},
      {TinyModels.WITH_TYPES, 64, 24, 5, 150},
      {noTypes, 64, 24, 16, 150},
      {TinyModels.WITH_TYPES, 40, 8, 3, 90},
      {noTypes, 48, 0, 4, 90},
    };
    for (Object[] c : configs) {
      // One intra-op thread: test JVMs share few cores, and spinning OpenMP threads slow each other down badly.
      ReaderSettings settings = new ReaderSettings((String) c[0], (int) c[1], (int) c[2], 15, (int) c[3], 1);
      Reader reader = Reader.open(settings, resolver);
      ModelDirectory directory = reader.model();
      SETUPS.add(
          new Setup(
              directory.modelName() + "/" + c[1] + "/" + c[2] + "/" + c[3],
              reader,
              new BruteForceOracle(directory, (int) c[1], (int) c[2]),
              (int) c[4]));
    }
  }

  @AfterAll
  static void close() {
    for (Setup setup : SETUPS) {
      setup.reader().close();
      setup.oracle().close();
    }
  }

  @Test
  void bestAndTopKMatchBruteForceOnRandomCases() throws Exception {
    Random random = new Random(SEED);
    int cases = 360;
    int manyWindowCases = 0;
    int edgeSpans = 0;
    int noAnswerCases = 0;
    for (int c = 0; c < cases; c++) {
      Setup setup = SETUPS.get(c % SETUPS.size());
      String question = RandomTexts.question(random);
      List<Passage> passages = new ArrayList<>();
      int passageCount = 1 + random.nextInt(4);
      for (int p = 0; p < passageCount; p++) {
        passages.add(RandomTexts.asPassage("doc-" + p, p, RandomTexts.passage(random, setup.longWords())));
      }
      ReadOptions options =
          ReadOptions.defaults()
              .withTopK(1 + random.nextInt(10))
              .withMaxAnswerLength(1 + random.nextInt(20))
              .withAlignToWords(random.nextBoolean());
      List<BruteForceOracle.OracleWindow> windows = setup.oracle().windows(question, passages);
      List<BruteForceOracle.Span> expected =
          BruteForceOracle.rank(windows, options.maxAnswerLength(), options.alignToWords());
      double nullScore = BruteForceOracle.nullScore(windows);
      double margin = expected.isEmpty() ? 0 : nullScore - expected.get(0).score();
      // A threshold clearly on one side of (null - best), to test the no-answer rule both ways.
      double threshold = margin + (random.nextBoolean() ? 1 : -1) * (0.05 + random.nextDouble());
      options = options.withHandleImpossibleAnswer(true).withNullThreshold(threshold);

      ReaderResult result = setup.reader().read(question, passages, options);
      String context = "case " + c + " (seed " + SEED + ", " + setup.label() + ", " + options + ")";

      assertEquals(windows.size(), result.stats().windows(), "windows, " + context);
      assertEquals(nullScore, result.nullScore(), SCORE_TOLERANCE, "null score, " + context);
      assertAgrees(expected, result.answers(), options.topK(), context);
      boolean expectNoAnswer = expected.isEmpty() || margin > threshold;
      assertEquals(expectNoAnswer, result.noAnswer(), "no-answer decision, " + context);
      assertEquals(expectNoAnswer, result.best().isEmpty(), context);

      manyWindowCases += windows.size() >= 5 ? 1 : 0;
      noAnswerCases += expectNoAnswer ? 1 : 0;
      edgeSpans += (int) expected.stream().limit(options.topK()).filter(BruteForceOracle.Span::atWindowEdge).count();
    }
    // The generator must really exercise what this test claims to cover.
    assertTrue(manyWindowCases >= 60, "cases with 5+ windows: " + manyWindowCases);
    assertTrue(edgeSpans >= 50, "returned spans touching a window edge: " + edgeSpans);
    assertTrue(noAnswerCases >= 60 && noAnswerCases <= cases - 60, "no-answer cases: " + noAnswerCases);
  }

  @Test
  void questionsReadTogetherShareBatchesAndMatchSeparateReads() {
    Random random = new Random(SEED + 1);
    Setup setup = SETUPS.get(2);
    List<ReadRequest> requests = new ArrayList<>();
    for (int q = 0; q < 5; q++) {
      List<Passage> passages = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        passages.add(Passage.ofText("doc-" + q + "-" + p, RandomTexts.words(random, 20 + random.nextInt(150))));
      }
      requests.add(new ReadRequest(RandomTexts.question(random), passages));
    }
    ReadOptions options = ReadOptions.defaults().withTopK(5);
    List<ReaderResult> together = setup.reader().readAll(requests, options);
    int windows = together.stream().mapToInt(r -> r.stats().windows()).sum();
    assertEquals(5, together.size());
    assertEquals((windows + 4) / 5, together.get(0).stats().batches(), "as few passes as maxBatchSize=5 allows");
    for (int q = 0; q < requests.size(); q++) {
      ReaderResult alone = setup.reader().read(requests.get(q).question(), requests.get(q).passages(), options);
      assertEquals(alone.stats().windows(), together.get(q).stats().windows());
      assertEquals(spans(alone.answers()), spans(together.get(q).answers()), "question " + q);
      for (int a = 0; a < alone.answers().size(); a++) {
        assertEquals(alone.answers().get(a).score(), together.get(q).answers().get(a).score(), SCORE_TOLERANCE);
      }
    }
  }

  private static String spans(List<Answer> answers) {
    return answers.stream()
        .map(a -> a.passage().documentId() + ":" + a.start() + "-" + a.end())
        .collect(Collectors.joining(", "));
  }

  /** Scores agree rank by rank; spans agree wherever the oracle's ranking is not a near-tie. */
  static void assertAgrees(List<BruteForceOracle.Span> expected, List<Answer> answers, int topK, String context) {
    assertEquals(Math.min(topK, expected.size()), answers.size(), "answer count, " + context);
    double previousConfidence = 1.0;
    double confidenceSum = 0;
    for (int i = 0; i < answers.size(); i++) {
      Answer answer = answers.get(i);
      BruteForceOracle.Span span = expected.get(i);
      assertEquals(span.score(), answer.score(), SCORE_TOLERANCE, "score at rank " + i + ", " + context);
      boolean isolated =
          (i == 0 || expected.get(i - 1).score() - span.score() > 2 * SCORE_TOLERANCE)
              && (i + 1 >= expected.size() || span.score() - expected.get(i + 1).score() > 2 * SCORE_TOLERANCE);
      if (isolated) {
        assertEquals(
            span.passage() + ":" + span.start() + "-" + span.end(),
            answer.passage().ordinal() + ":" + answer.start() + "-" + answer.end(),
            "span at rank " + i + ", " + context);
      }
      String text = answer.passage().text();
      String exact =
          text.substring(text.offsetByCodePoints(0, answer.start()), text.offsetByCodePoints(0, answer.end()));
      assertEquals(exact, answer.text(), "answer text is the exact passage substring, " + context);
      assertTrue(answer.confidence() >= 0 && answer.confidence() <= previousConfidence + 1e-12, context);
      previousConfidence = answer.confidence();
      confidenceSum += answer.confidence();
    }
    assertTrue(confidenceSum <= 1 + 1e-9, "confidences are a distribution, " + context);
  }
}
