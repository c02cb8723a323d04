package dev.docqa.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands, saved with each checkpoint. Mutable, owned by one run.
 *
 * @param recipe what must match for a checkpoint to be resumed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record TrainingState(
    Recipe recipe,
    long globalStep,
    int epoch,
    int stepInEpoch,
    long windowsSeen,
    double wallSeconds,
    double smoothedLoss,
    List<LossPoint> loss,
    List<DevPoint> dev,
    DevPoint best,
    boolean optimizerRestored) {

  TrainingState {
    loss = new ArrayList<>(loss);
    dev = new ArrayList<>(dev);
  }

  /** Everything that decides the data order and the schedule; a resume with a different recipe is refused. */
  record Recipe(
      List<String> trainFiles,
      String base,
      int epochs,
      int batchSize,
      double learningRate,
      double weightDecay,
      double warmupShare,
      int maxSeqLength,
      int docStride,
      double negatives,
      String objective,
      int distractors,
      long seed,
      long totalSteps) {}

  /** The smoothed loss at a step. */
  record LossPoint(long step, double loss) {}

  /** Gold-mode dev scores after an epoch. */
  record DevPoint(int epoch, long step, double exact, double f1) {}

  static TrainingState start(Recipe recipe) {
    return new TrainingState(recipe, 0, 0, 0, 0, 0, Double.NaN, List.of(), List.of(), null, true);
  }

  TrainingState advanced(long globalStep, int epoch, int stepInEpoch, long windowsSeen, double wallSeconds,
      double smoothedLoss) {
    return new TrainingState(recipe, globalStep, epoch, stepInEpoch, windowsSeen, wallSeconds, smoothedLoss, loss, dev,
        best, optimizerRestored);
  }

  TrainingState withBest(DevPoint value) {
    return new TrainingState(recipe, globalStep, epoch, stepInEpoch, windowsSeen, wallSeconds, smoothedLoss, loss, dev,
        value, optimizerRestored);
  }

  TrainingState withOptimizerRestored(boolean value) {
    return new TrainingState(recipe, globalStep, epoch, stepInEpoch, windowsSeen, wallSeconds, smoothedLoss, loss, dev,
        best, value);
  }
}
