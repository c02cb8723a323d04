package dev.docqa.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.translate.NoopTranslator;
import dev.docqa.InvalidInputException;
import dev.docqa.ModelLoadException;
import dev.docqa.models.ModelDirectory;
import dev.docqa.models.ModelResolver;
import dev.docqa.reading.TrainingWindows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Fine-tunes a TorchScript extractive reader on SQuAD-format data with DJL's PyTorch engine, and writes a reader folder
 * that {@code --reader} loads and that can be a base again.
 *
 * <p>Features are the reader's own windows ({@link TrainingWindows}); batches come from a seeded, length-bucketed
 * {@link BatchPlan}; the loss is {@link SpanLoss}; parameters move by {@link AdamW} with linear warm-up and linear
 * decay, gradients clipped to a global norm of 1. Dropout is live while training (the base must be scripted, not
 * traced) and off while the dev set is scored. A checkpoint (model, optimizer moments, state) is written at least every
 * {@link TrainingSettings#checkpointMinutes()} and whenever {@code stop} turns true; {@link #resume} continues from the
 * newest at the same step, in the same data order, with the same dropout stream (the engine's random generator is
 * seeded from the step).
 *
 * <p>One run per JVM at a time (libtorch allows one gradient recorder per process).
 */
public final class ReaderTrainer {

  /** Global L2 norm gradients are clipped to. */
  static final double MAX_GRAD_NORM = 1.0;
  /** Steps over which the learning rate re-warms when a resume cannot restore the optimizer's moments. */
  static final int REWARM_STEPS = 100;
  private static final double PROGRESS_SECONDS = 10;

  private final TrainingSettings settings;
  private final ModelResolver resolver;
  private final Listener listener;

  /** Receives progress lines; called on the training thread. */
  public interface Listener {
    /** One line about the run (data checks, checkpoints, dev scores). */
    void message(String line);

    /** Where the run stands, about every ten seconds. */
    void progress(Progress progress);
  }

  /**
   * @param windowsPerSecond windows trained on per second over the last interval
   * @param etaSeconds estimated time to the end of the run, dev scoring excluded
   */
  public record Progress(int epoch, int epochs, long step, long totalSteps, double loss, double windowsPerSecond,
      double etaSeconds) {}

  /**
   * What a run did.
   *
   * @param out the reader folder written, or {@code null} when the run stopped early (see {@code checkpoint})
   * @param checkpoint the newest checkpoint
   * @param steps optimizer steps taken in all (across resumes)
   * @param totalSteps steps of the full schedule
   * @param windows windows trained on in all
   * @param wallSeconds training time in all, checkpoints and dev scoring included
   * @param windowsPerSecond windows per second of training time in this process, dev scoring excluded
   * @param best the dev scores of the epoch whose model was written, or {@code null} without a dev file
   * @param examples training examples (questions plus negatives)
   * @param features windows of those examples
   * @param mismatches questions skipped because their answer did not match its {@code answer_start}
   */
  public record Result(Path out, Path checkpoint, long steps, long totalSteps, long windows, double wallSeconds,
      double windowsPerSecond, Scores best, int examples, int features, int mismatches, double finalLoss) {}

  /** Gold-mode dev EM/F1 after an epoch. */
  public record Scores(int epoch, long step, double exact, double f1) {}

  public ReaderTrainer(TrainingSettings settings, ModelResolver resolver, Listener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Trains from {@link TrainingSettings#base()}, replacing any checkpoint of an earlier run in the checkpoint folder.
   *
   * @param stop polled after every step: when it turns true the run checkpoints and returns
   * @throws InvalidInputException for bad data, an output folder that exists and is not empty, or one that cannot be
   *     written
   * @throws ModelLoadException when the base cannot be loaded or is not trainable
   */
  public Result train(BooleanSupplier stop) {
    return run(false, stop);
  }

  /**
   * Continues the run whose newest checkpoint is in {@link TrainingSettings#checkpoints()}.
   *
   * @throws InvalidInputException when there is no checkpoint, or it was made with another recipe
   */
  public Result resume(BooleanSupplier stop) {
    return run(true, stop);
  }

  private Result run(boolean resume, BooleanSupplier stop) {
    // Everything that can be refused is checked before anything is written.
    OutputFolder output = OutputFolder.claim(settings.out());
    Checkpoints checkpoints = Checkpoints.open(settings.checkpoints(), settings.out());
    Checkpoints.Saved saved = resume ? checkpoints.latest() : null;
    TrainingExamples examples = TrainingExamples.read(settings.trainFiles(), settings.negatives(), settings.seed());
    ModelDirectory base = resolver.resolve(settings.base());
    if (!examples.mismatches().isEmpty()) {
      listener.message(examples.mismatches().size() + " of " + examples.questions()
          + " answers do not match their answer_start and are skipped, e.g. ids "
          + String.join(", ", examples.mismatches().subList(0, Math.min(5, examples.mismatches().size()))));
    }
    TrainingFeatures features;
    try (TrainingWindows windows = TrainingWindows.open(base, settings.maxSeqLength(), settings.docStride());
        Distractors distractors = Distractors.open(examples, settings.objective())) {
      features = TrainingFeatures.build(examples, windows, settings.objective(), settings.distractors(),
          distractors::pick, (done, total) -> {});
    }
    List<List<int[]>> plans = new ArrayList<>();
    long totalSteps = 0;
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      List<int[]> plan = BatchPlan.epoch(features, settings.batchSize(), settings.seed(), epoch);
      plans.add(plan);
      totalSteps += plan.size();
    }
    listener.message(examples.questions() + " questions, " + examples.examples().size() + " examples ("
        + (examples.examples().size() - examples.questions() + examples.mismatches().size()) + " negatives), "
        + features.windows().size() + " windows (" + features.answerWindows() + " hold their answer), "
        + totalSteps + " steps of " + settings.batchSize() + " over " + settings.epochs() + " epoch"
        + (settings.epochs() == 1 ? "" : "s"));
    TrainingState.Recipe recipe = recipe(totalSteps);
    TrainingState state;
    if (saved != null) {
      state = saved.state();
      if (!state.recipe().equals(recipe)) {
        throw new InvalidInputException("the checkpoint in " + settings.checkpoints()
            + " was made with another recipe; resume with the same data and flags. checkpoint: " + state.recipe()
            + "; now: " + recipe);
      }
    } else {
      checkpoints.clear();
      state = TrainingState.start(recipe);
    }
    Path modelFile = saved != null ? saved.model() : base.modelFile();

    Device device = settings.useGpu() && Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    if (settings.threads() > 0) {
      JniUtils.setNumThreads(settings.threads());
    }
    try (ZooModel<NDList, NDList> model = load(base, modelFile, device);
        Trainer trainer = model.newTrainer(
            new DefaultTrainingConfig(Loss.l2Loss()).optDevices(new Device[] {device}))) {
      PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
      try (AdamW optimizer = new AdamW(block.getDirectParameters(), settings.weightDecay(), trainer.getManager())) {
        if (saved != null) {
          try {
            saved.loadOptimizer(optimizer);
          } catch (IOException e) {
            listener.message("the optimizer's moments could not be restored (" + e.getMessage()
                + "); they restart from zero and the learning rate re-warms over " + REWARM_STEPS + " steps");
            state = state.withOptimizerRestored(false);
          }
          listener.message("resuming at step " + state.globalStep() + " of " + totalSteps + " (epoch "
              + (state.epoch() + 1) + ", step " + state.stepInEpoch() + " of " + plans.get(state.epoch()).size()
              + ") from " + saved.directory());
        }
        Loop loop = new Loop(settings, listener, checkpoints, output, base, block, trainer, optimizer, features,
            examples, plans, device, state, saved != null ? state.globalStep() : -1);
        return loop.run(stop);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("training failed writing " + e.getMessage(), e);
    }
  }

  private TrainingState.Recipe recipe(long totalSteps) {
    return new TrainingState.Recipe(
        settings.trainFiles().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(),
        settings.base(), settings.epochs(), settings.batchSize(), settings.learningRate(), settings.weightDecay(),
        settings.warmupShare(), settings.maxSeqLength(), settings.docStride(), settings.negatives(),
        settings.objective().id(), settings.distractors(), settings.seed(), totalSteps);
  }

  /** Loads {@code modelFile} (the base's, or a checkpoint's) with trainable parameters. */
  static ZooModel<NDList, NDList> load(ModelDirectory base, Path modelFile, Device device) {
    String name = modelFile.getFileName().toString().replaceFirst("\\.pt$", "");
    Criteria<NDList, NDList> criteria = Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(modelFile.getParent())
        .optModelName(name)
        .optEngine("PyTorch")
        .optDevice(device)
        .optOption("mapLocation", "true")
        .optOption("trainParam", "true")
        .optTranslator(new NoopTranslator())
        .build();
    try {
      return criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException | EngineException e) {
      throw new ModelLoadException("cannot load " + modelFile + " for training (base " + base.dir() + "): "
          + e.getMessage(), e);
    }
  }

  /** Runs the forward pass of one batch with gradients recorded and returns the loss. */
  static double trainStep(Trainer trainer, AdamW optimizer, SpanLoss.Batch batch, boolean tokenTypes,
      double learningRate) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      double loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList outputs = trainer.forward(batch.inputs(scope, tokenTypes));
        outputs.attach(scope);
        if (outputs.size() < 2) {
          throw new ModelLoadException("the model returned " + outputs.size()
              + " output(s); a reader returns (start_logits, end_logits)");
        }
        NDArray value = SpanLoss.loss(outputs.get(0), outputs.get(1), batch, scope);
        collector.backward(value);
        loss = value.getFloat();
      }
      optimizer.step(learningRate, MAX_GRAD_NORM, scope);
      return loss;
    }
  }
}
