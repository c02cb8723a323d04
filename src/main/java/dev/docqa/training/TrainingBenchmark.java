package dev.docqa.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.docqa.models.ModelDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times {@link ReaderTrainer}'s training step (forward, span loss, backward, clipping, AdamW) on synthetic batches of
 * fixed shapes, so that a plain PyTorch loop over the same model, shapes and threads
 * ({@code src/tools/train_eager_baseline.py}) can be compared with it: the ratio is the trainer's efficiency.
 */
public final class TrainingBenchmark {

  private TrainingBenchmark() {}

  /** Windows per second at one window length. */
  public record Row(int length, int batchSize, int steps, double seconds, double windowsPerSecond) {}

  /**
   * @param lengths window lengths (tokens) to time, each for {@code steps} steps after {@code warmup} untimed ones
   */
  public static List<Row> run(ModelDirectory base, int batchSize, int[] lengths, int warmup, int steps, int threads,
      long seed) {
    Engine.getEngine("PyTorch"); // loads the native library before it is configured
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    Device device = Device.cpu();
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    try (ZooModel<NDList, NDList> model = ReaderTrainer.load(base, base.modelFile(), device);
        Trainer trainer = model.newTrainer(
            new DefaultTrainingConfig(Loss.l2Loss()).optDevices(new Device[] {device}));
        AdamW optimizer = new AdamW(((PtSymbolBlock) model.getBlock()).getDirectParameters(), 0.01,
            trainer.getManager())) {
      JniUtils.enableTrainingMode((PtSymbolBlock) model.getBlock());
      JniUtils.setGraphExecutorOptimize(false);
      for (int length : lengths) {
        SpanLoss.Batch batch = syntheticBatch(batchSize, length, random);
        for (int i = 0; i < warmup; i++) {
          ReaderTrainer.trainStep(trainer, optimizer, batch, base.includeTokenTypes(), 1e-5);
        }
        long began = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          ReaderTrainer.trainStep(trainer, optimizer, batch, base.includeTokenTypes(), 1e-5);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        rows.add(new Row(length, batchSize, steps, seconds, batchSize * steps / seconds));
      }
    }
    return rows;
  }

  /** Random word-piece ids (question then context), every token real, one gold span per window. */
  private static SpanLoss.Batch syntheticBatch(int rows, int length, Random random) {
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    float[] startGold = new float[rows * length];
    float[] endGold = new float[rows * length];
    int[] groups = new int[rows];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < length; t++) {
        ids[r * length + t] = 1000 + random.nextInt(20_000);
        mask[r * length + t] = 1;
        types[r * length + t] = t < length / 8 ? 0 : 1;
      }
      int start = length / 8 + random.nextInt(length - length / 8 - 4);
      startGold[r * length + start] = 1;
      endGold[r * length + start + random.nextInt(4)] = 1;
      groups[r] = 1;
    }
    return new SpanLoss.Batch(ids, mask, types, startGold, endGold, rows, length, groups);
  }
}
