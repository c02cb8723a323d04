package dev.docqa.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The span loss against hand computations on set logits: per-window softmax, padding masked, groups shared. */
class SpanLossTest {

  /** log(sum(exp(x))) in doubles. */
  private static double lse(double... x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  private static double loss(float[] start, float[] end, long[] mask, float[] startGold, float[] endGold, int rows,
      int length, int[] groups) {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      SpanLoss.Batch batch = new SpanLoss.Batch(new long[rows * length], mask, new long[rows * length], startGold,
          endGold, rows, length, groups);
      NDArray s = manager.create(start, new Shape(rows, length));
      NDArray e = manager.create(end, new Shape(rows, length));
      return SpanLoss.loss(s, e, batch, manager).getFloat();
    }
  }

  @Test
  void spanObjectiveIsTheMeanCrossEntropyPerWindowWithPaddingMasked() {
    // Two windows of 4 tokens; the second has one padding token whose huge logit must not count.
    float[] start = {1, 2, 0, -1, 0.5f, 3, 1, 50};
    float[] end = {0, 1, 4, 2, 2, -1, 0, 50};
    long[] mask = {1, 1, 1, 1, 1, 1, 1, 0};
    float[] startGold = {0, 1, 0, 0, 0, 0, 1, 0}; // window 0 starts at token 1, window 1 at token 2
    float[] endGold = {0, 0, 1, 0, 0, 0, 1, 0};
    double w0 = (lse(1, 2, 0, -1) - 2 + lse(0, 1, 4, 2) - 4) / 2;
    double w1 = (lse(0.5, 3, 1) - 1 + lse(2, -1, 0) - 0) / 2;
    assertEquals((w0 + w1) / 2, loss(start, end, mask, startGold, endGold, 2, 4, new int[] {1, 1}), 1e-5);
  }

  @Test
  void sharedNormalisationTakesOneSoftmaxOverTheGroupAndSumsGoldPositions() {
    // One group of two windows (a gold window and a distractor) and one group of one window.
    float[] start = {1, 2, 0, 3, 1, 0, 0, 1, 2};
    float[] end = {0, 1, 2, 1, 1, 1, 2, 0, 1};
    long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    // Group 1: the answer starts at token 1 of window 0 and also (overlapping windows) at token 2 of window 1.
    float[] startGold = {0, 1, 0, 0, 0, 1, 1, 0, 0};
    float[] endGold = {0, 0, 1, 0, 0, 1, 0, 0, 1};
    double groupStart = lse(1, 2, 0, 3, 1, 0) - lse(2, 0);
    double groupEnd = lse(0, 1, 2, 1, 1, 1) - lse(2, 1);
    double single = (lse(0, 1, 2) - 0 + lse(2, 0, 1) - 1) / 2;
    double expected = ((groupStart + groupEnd) / 2 + single) / 2;
    assertEquals(expected, loss(start, end, mask, startGold, endGold, 3, 3, new int[] {2, 1}), 1e-5);
  }
}
