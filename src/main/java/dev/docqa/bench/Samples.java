package dev.docqa.bench;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** Wall-time samples in milliseconds and their order statistics. */
final class Samples {

  private final double[] sorted;

  private Samples(double[] millis) {
    this.sorted = millis.clone();
    Arrays.sort(sorted);
  }

  static Samples of(double... millis) {
    if (millis.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    return new Samples(millis);
  }

  /** Runs {@code call(i)} for i in [0, warmUp) untimed, then for i in [0, n) timed, one sample per call. */
  static Samples time(int warmUp, int n, IntConsumer call) {
    for (int i = 0; i < warmUp; i++) {
      call.accept(i % n);
    }
    double[] millis = new double[n];
    for (int i = 0; i < n; i++) {
      long began = System.nanoTime();
      call.accept(i);
      millis[i] = (System.nanoTime() - began) / 1e6;
    }
    return of(millis);
  }

  /** Nearest-rank percentile, {@code p} in (0, 100]. */
  double percentile(double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double median() {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  int count() {
    return sorted.length;
  }

  /** Rounded to 3 significant decimals for JSON. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
