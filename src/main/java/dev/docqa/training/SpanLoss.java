package dev.docqa.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.docqa.reading.TrainingWindows;

/**
 * The span loss: mean of the start and end cross-entropies, each a softmax over the tokens of a group of windows (one
 * window under the span objective, a question's windows and its distractors' under shared normalisation) whose gold
 * probability is the sum over every gold position in the group. A group with no window holding the answer targets the
 * {@code [CLS]} of each of its windows. Padding never enters a softmax.
 */
final class SpanLoss {

  /** Added to logits that must not take probability mass; exp of it is 0 in float32. */
  private static final float MASKED = -1e4f;

  private SpanLoss() {}

  /**
   * One padded batch.
   *
   * @param groupSizes windows per group, in row order
   */
  record Batch(long[] ids, long[] mask, long[] types, float[] startGold, float[] endGold, int rows, int length,
      int[] groupSizes) {

    NDList inputs(NDManager manager, boolean tokenTypes) {
      Shape shape = new Shape(rows, length);
      NDList inputs = new NDList(manager.create(ids, shape), manager.create(mask, shape));
      if (tokenTypes) {
        inputs.add(manager.create(types, shape));
      }
      return inputs;
    }

    int tokens() {
      int tokens = 0;
      for (long bit : mask) {
        tokens += (int) bit;
      }
      return tokens;
    }
  }

  static Batch batch(TrainingFeatures features, int[] groups) {
    int rows = BatchPlan.rows(features, groups);
    int length = 0;
    for (int g : groups) {
      length = Math.max(length, features.longest(g));
    }
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    float[] startGold = new float[rows * length];
    float[] endGold = new float[rows * length];
    int[] groupSizes = new int[groups.length];
    int row = 0;
    for (int i = 0; i < groups.length; i++) {
      int[] windows = features.groups().get(groups[i]);
      groupSizes[i] = windows.length;
      boolean answered = false;
      for (int w : windows) {
        answered |= features.windows().get(w).holdsAnswer();
      }
      for (int w : windows) {
        TrainingWindows.Labelled window = features.windows().get(w);
        int offset = row * length;
        for (int t = 0; t < window.length(); t++) {
          ids[offset + t] = window.ids()[t];
          types[offset + t] = window.typeIds()[t];
          mask[offset + t] = 1;
        }
        if (window.holdsAnswer()) {
          startGold[offset + window.start()] = 1;
          endGold[offset + window.end()] = 1;
        } else if (!answered) {
          startGold[offset + TrainingWindows.CLS] = 1;
          endGold[offset + TrainingWindows.CLS] = 1;
        }
        row++;
      }
    }
    return new Batch(ids, mask, types, startGold, endGold, rows, length, groupSizes);
  }

  /** The batch's mean loss over groups, a scalar that keeps the graph to the logits. */
  static NDArray loss(NDArray startLogits, NDArray endLogits, Batch batch, NDManager manager) {
    Shape shape = new Shape(batch.rows(), batch.length());
    NDArray padding = manager.create(batch.mask(), shape).toType(DataType.FLOAT32, false).neg().add(1).mul(MASKED);
    NDArray startGold = manager.create(batch.startGold(), shape);
    NDArray endGold = manager.create(batch.endGold(), shape);
    NDArray start = crossEntropy(startLogits.add(padding), startGold, batch.groupSizes());
    NDArray end = crossEntropy(endLogits.add(padding), endGold, batch.groupSizes());
    return start.add(end).div(2);
  }

  /** Mean over groups of -log(sum of gold probabilities), the softmax taken over all tokens of the group. */
  private static NDArray crossEntropy(NDArray logits, NDArray gold, int[] groupSizes) {
    NDArray all = logSumExp(logits);
    NDArray golden = logSumExp(logits.add(gold.neg().add(1).mul(MASKED)));
    if (groupSizes.length == logits.getShape().get(0)) {
      return all.sub(golden).mean();
    }
    NDArray total = null;
    int row = 0;
    for (int size : groupSizes) {
      NDIndex rows = new NDIndex("{}:{}", row, row + size);
      NDArray term = logSumExp(all.get(rows).expandDims(0)).sub(logSumExp(golden.get(rows).expandDims(0)));
      total = total == null ? term : total.add(term);
      row += size;
    }
    return total.div(groupSizes.length).squeeze();
  }

  /** log(sum(exp(x))) along the last axis of a 2-D array, stable for large values. */
  private static NDArray logSumExp(NDArray x) {
    NDArray max = x.max(new int[] {1}, true).stopGradient();
    return x.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
  }
}
