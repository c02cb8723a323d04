package dev.docqa.training;

import dev.docqa.config.ReaderSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One training run. Immutable; {@link #defaults} holds the recipe of docqa's default reader.
 *
 * @param trainFiles SQuAD v1.1 or v2.0 JSON files
 * @param devFile SQuAD file scored in gold mode after each epoch, or {@code null}
 * @param base model location to start from (directory, {@code classpath:}, {@code s3://}, {@code djl://})
 * @param out the reader folder to write; must not exist or be empty
 * @param checkpoints where checkpoints go (outside the output folder)
 * @param epochs passes over the training data
 * @param batchSize windows per optimizer step (span objective) or groups per step (shared-norm)
 * @param learningRate peak AdamW learning rate
 * @param weightDecay decoupled weight decay, on weight matrices only (not on biases and LayerNorm gains)
 * @param warmupShare share of steps over which the learning rate rises linearly from 0
 * @param maxSeqLength tokens per window, question included
 * @param docStride tokens of overlap between consecutive windows
 * @param negatives share of questions also paired with a paragraph of the same article that lacks the answer
 * @param objective span or shared-norm
 * @param distractors paragraphs grouped with each question's own under shared-norm
 * @param seed shuffling, negatives, distractors and the span head's dropout stream
 * @param threads PyTorch intra-op threads; 0 keeps the engine default
 * @param checkpointMinutes checkpoint at least this often
 * @param maxSteps stop after this many optimizer steps in all (0: no limit), keeping the schedule of the full run
 * @param useGpu train on the first GPU when the engine sees one
 */
public record TrainingSettings(
    List<Path> trainFiles,
    Path devFile,
    String base,
    Path out,
    Path checkpoints,
    int epochs,
    int batchSize,
    double learningRate,
    double weightDecay,
    double warmupShare,
    int maxSeqLength,
    int docStride,
    double negatives,
    Objective objective,
    int distractors,
    long seed,
    int threads,
    double checkpointMinutes,
    long maxSteps,
    boolean useGpu) {

  /** The default reader: fine-tuning it on a team's own questions is the everyday case. */
  public static final String DEFAULT_BASE = ReaderSettings.DEFAULT_MODEL;

  /** Data order, negatives and dropout of the default recipe; also what pairs questions with negatives in calibration. */
  public static final long DEFAULT_SEED = 42;

  public TrainingSettings {
    trainFiles = List.copyOf(trainFiles);
    if (trainFiles.isEmpty()) {
      throw new IllegalArgumentException("at least one training file is needed");
    }
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(objective, "objective");
    positive("epochs", epochs);
    positive("batchSize", batchSize);
    positive("maxSeqLength", maxSeqLength);
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive; learningRate=" + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0; weightDecay=" + weightDecay);
    }
    if (!(warmupShare >= 0 && warmupShare < 1)) {
      throw new IllegalArgumentException("warmupShare must be in [0, 1); warmupShare=" + warmupShare);
    }
    if (docStride < 1 || docStride >= maxSeqLength) {
      throw new IllegalArgumentException(
          "docStride must be in [1, maxSeqLength); docStride=" + docStride + ", maxSeqLength=" + maxSeqLength);
    }
    if (!(negatives >= 0 && negatives <= 1)) {
      throw new IllegalArgumentException("negatives must be in [0, 1]; negatives=" + negatives);
    }
    if (distractors < 0) {
      throw new IllegalArgumentException("distractors must be >= 0; distractors=" + distractors);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
    if (!(checkpointMinutes > 0)) {
      throw new IllegalArgumentException("checkpointMinutes must be positive; checkpointMinutes=" + checkpointMinutes);
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("maxSteps must be >= 0; maxSteps=" + maxSteps);
    }
  }

  /**
   * The default reader's recipe for {@code trainFiles} into {@code out}: 2 epochs, batches of 32 windows, learning
   * rate 1e-4 (a 6-layer, 384-wide encoder takes a higher rate than BERT-base's 3e-5), 10% warm-up, decay 0.01, windows
   * of 384 tokens with stride 128, negatives for a fifth of the questions, checkpoints every 10 minutes beside
   * {@code out}.
   */
  public static TrainingSettings defaults(List<Path> trainFiles, Path out) {
    Path absolute = out.toAbsolutePath().normalize();
    Path checkpoints = absolute.resolveSibling(absolute.getFileName() + ".checkpoints");
    return new TrainingSettings(trainFiles, null, DEFAULT_BASE, out, checkpoints, 2, 32, 1e-4, 0.01, 0.1, 384, 128,
        0.2, Objective.SPAN, 0, DEFAULT_SEED, 0, 10, 0, true);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive; " + name + "=" + value);
    }
  }
}
