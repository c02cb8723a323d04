package dev.docqa.reading;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups windows into as few forward passes as {@code maxBatchSize} allows: sorted by length (longest first), each
 * batch padded only to its own longest window.
 */
final class Batches {

  private Batches() {}

  /**
   * One padded model input.
   *
   * @param windows indexes (into the planned list) of the windows in each row
   * @param lengths real length of each row
   */
  record Batch(int[] windows, int[] lengths, long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    int size() {
      return windows.length;
    }

    int paddedLength() {
      return inputIds[0].length;
    }
  }

  static List<Batch> plan(List<Window> windows, int maxBatchSize) {
    int[] order =
        IntStream.range(0, windows.size())
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> windows.get(i).length()).reversed().thenComparingInt(i -> i))
            .mapToInt(Integer::intValue)
            .toArray();
    List<Batch> batches = new ArrayList<>();
    for (int from = 0; from < order.length; from += maxBatchSize) {
      int size = Math.min(maxBatchSize, order.length - from);
      int padded = windows.get(order[from]).length();
      int[] rows = new int[size];
      int[] lengths = new int[size];
      long[][] ids = new long[size][padded];
      long[][] mask = new long[size][padded];
      long[][] types = new long[size][padded];
      for (int r = 0; r < size; r++) {
        Window window = windows.get(order[from + r]);
        rows[r] = order[from + r];
        lengths[r] = window.length();
        System.arraycopy(window.ids(), 0, ids[r], 0, window.length());
        System.arraycopy(window.typeIds(), 0, types[r], 0, window.length());
        for (int i = 0; i < window.length(); i++) {
          mask[r][i] = 1;
        }
      }
      batches.add(new Batch(rows, lengths, ids, mask, types));
    }
    return batches;
  }
}
