package dev.docqa.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The batches of one epoch, a pure function of (features, batch size, seed, epoch), so a resumed run sees exactly the
 * order an uninterrupted one would. Groups are shuffled, cut into pools of {@value #POOL_BATCHES} batches, sorted by
 * length inside a pool (similar lengths share a batch and little padding is computed), then the batches are shuffled.
 */
final class BatchPlan {

  static final int POOL_BATCHES = 64;

  private BatchPlan() {}

  /**
   * Batches of whole groups, each with at most {@code batchSize} windows (a larger group forms a batch alone).
   *
   * @return per batch, the group indexes it holds
   */
  static List<int[]> epoch(TrainingFeatures features, int batchSize, long seed, int epoch) {
    int groupCount = features.groups().size();
    List<Integer> order = new ArrayList<>(groupCount);
    for (int g = 0; g < groupCount; g++) {
      order.add(g);
    }
    Random random = new Random(seed * 1_000_003L + epoch);
    Collections.shuffle(order, random);
    int[] lengths = new int[groupCount];
    for (int g = 0; g < groupCount; g++) {
      lengths[g] = features.longest(g);
    }
    List<int[]> batches = new ArrayList<>();
    int pool = Math.max(1, POOL_BATCHES * batchSize);
    for (int from = 0; from < groupCount; from += pool) {
      List<Integer> slice = new ArrayList<>(order.subList(from, Math.min(groupCount, from + pool)));
      slice.sort(Comparator.comparingInt((Integer g) -> lengths[g]).reversed());
      List<Integer> current = new ArrayList<>();
      int rows = 0;
      for (int g : slice) {
        int size = features.groups().get(g).length;
        if (!current.isEmpty() && rows + size > batchSize) {
          batches.add(current.stream().mapToInt(Integer::intValue).toArray());
          current = new ArrayList<>();
          rows = 0;
        }
        current.add(g);
        rows += size;
      }
      if (!current.isEmpty()) {
        batches.add(current.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  /** Windows in a batch. */
  static int rows(TrainingFeatures features, int[] batch) {
    return Arrays.stream(batch).map(g -> features.groups().get(g).length).sum();
  }
}
