package dev.docqa.reading;

import java.util.Arrays;

/**
 * The valid (start, end) spans of one window with their scores, popped best first. A binary max-heap over primitive
 * arrays, built in O(n): decoding needs only the first few of thousands of candidates. Ties go to the smaller start,
 * then the smaller end, so results never depend on iteration details. Not thread-safe; one per decoding call.
 */
final class CandidateHeap {

  private double[] scores = new double[1024];
  private int[] starts = new int[1024];
  private int[] ends = new int[1024];
  private int[] heap = new int[1024];
  private int size;
  private int count;

  void clear() {
    size = 0;
    count = 0;
  }

  void add(int start, int end, double score) {
    if (count == scores.length) {
      int grown = count * 2;
      scores = Arrays.copyOf(scores, grown);
      starts = Arrays.copyOf(starts, grown);
      ends = Arrays.copyOf(ends, grown);
      heap = Arrays.copyOf(heap, grown);
    }
    scores[count] = score;
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  int count() {
    return count;
  }

  double score(int candidate) {
    return scores[candidate];
  }

  int start(int candidate) {
    return starts[candidate];
  }

  int end(int candidate) {
    return ends[candidate];
  }

  /** Orders every added candidate for {@link #poll()}. */
  void heapify() {
    size = count;
    for (int i = 0; i < count; i++) {
      heap[i] = i;
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The best remaining candidate's index. */
  int poll() {
    int top = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
    return top;
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int best = left;
      if (left + 1 < size && before(heap[left + 1], heap[left])) {
        best = left + 1;
      }
      if (!before(heap[best], heap[i])) {
        return;
      }
      int swap = heap[i];
      heap[i] = heap[best];
      heap[best] = swap;
      i = best;
    }
  }

  private boolean before(int a, int b) {
    if (scores[a] != scores[b]) {
      return scores[a] > scores[b];
    }
    if (starts[a] != starts[b]) {
      return starts[a] < starts[b];
    }
    return ends[a] < ends[b];
  }
}
