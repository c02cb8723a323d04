package dev.docqa.training;

import ai.djl.Device;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.Trainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.eval.EvalReport;
import dev.docqa.eval.SquadDataset;
import dev.docqa.models.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** One run of {@link ReaderTrainer}'s steps, from a fresh or restored state to the reader folder. Single use. */
final class Loop {

  private static final double SMOOTHING = 0.98;
  private static final int LOSS_POINTS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrainingSettings settings;
  private final ReaderTrainer.Listener listener;
  private final Checkpoints checkpoints;
  private final OutputFolder output;
  private final ModelDirectory base;
  private final PtSymbolBlock block;
  private final Trainer trainer;
  private final AdamW optimizer;
  private final TrainingFeatures features;
  private final TrainingExamples examples;
  private final List<List<int[]>> plans;
  private final Device device;
  private final long totalSteps;
  private final long warmupSteps;
  /** The step a resume without optimizer moments re-warms from, or -1. */
  private final long resumedAt;
  private TrainingState state;
  private Path lastCheckpoint;

  Loop(TrainingSettings settings, ReaderTrainer.Listener listener, Checkpoints checkpoints, OutputFolder output,
      ModelDirectory base, PtSymbolBlock block, Trainer trainer, AdamW optimizer, TrainingFeatures features,
      TrainingExamples examples, List<List<int[]>> plans, Device device, TrainingState state, long resumedAt) {
    this.settings = settings;
    this.listener = listener;
    this.checkpoints = checkpoints;
    this.output = output;
    this.base = base;
    this.block = block;
    this.trainer = trainer;
    this.optimizer = optimizer;
    this.features = features;
    this.examples = examples;
    this.plans = plans;
    this.device = device;
    this.state = state;
    this.resumedAt = resumedAt;
    this.totalSteps = state.recipe().totalSteps();
    this.warmupSteps = (long) Math.ceil(settings.warmupShare() * totalSteps);
  }

  ReaderTrainer.Result run(BooleanSupplier stop) throws IOException {
    boolean tokenTypes = base.includeTokenTypes();
    DevScorer dev = settings.devFile() == null ? null
        : new DevScorer(SquadDataset.read(settings.devFile()), settings.maxSeqLength(), settings.docStride(),
            settings.threads());
    JniUtils.enableTrainingMode(block);
    // Windows come in many lengths: without this every new batch shape re-optimizes the TorchScript graph.
    JniUtils.setGraphExecutorOptimize(false);
    long processStart = System.nanoTime();
    double wallBefore = state.wallSeconds();
    long lastCheckpointNanos = processStart;
    long lastProgressNanos = processStart;
    long windowsAtLastProgress = state.windowsSeen();
    long trainingNanos = 0;
    long windowsThisProcess = 0;
    long lossEvery = Math.max(1, totalSteps / LOSS_POINTS);
    listener.message("training on " + device + " from " + settings.base() + "; checkpoints in "
        + checkpoints.directory());

    boolean finished = true;
    outer:
    for (int epoch = state.epoch(); epoch < settings.epochs(); epoch++) {
      List<int[]> plan = plans.get(epoch);
      for (int step = state.stepInEpoch(); step < plan.size(); step++) {
        long global = state.globalStep();
        JniUtils.setSeed(settings.seed() * 31 + global); // dropout masks depend on the step alone: resumes match
        SpanLoss.Batch batch = SpanLoss.batch(features, plan.get(step));
        long before = System.nanoTime();
        double loss = ReaderTrainer.trainStep(trainer, optimizer, batch, tokenTypes, learningRate(global));
        trainingNanos += System.nanoTime() - before;
        windowsThisProcess += batch.rows();
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("the loss is " + loss + " at step " + global + "; lower --learning-rate"
              + (lastCheckpoint == null ? "" : " and resume from " + lastCheckpoint));
        }
        double smoothed = Double.isNaN(state.smoothedLoss()) ? loss
            : SMOOTHING * state.smoothedLoss() + (1 - SMOOTHING) * loss;
        long now = System.nanoTime();
        state = state.advanced(global + 1, epoch, step + 1, state.windowsSeen() + batch.rows(),
            wallBefore + (now - processStart) / 1e9, smoothed);
        if ((global + 1) % lossEvery == 0) {
          state.loss().add(new TrainingState.LossPoint(global + 1, smoothed));
        }
        if ((now - lastProgressNanos) / 1e9 >= 10 || global + 1 == totalSteps) {
          double seconds = (now - lastProgressNanos) / 1e9;
          double rate = (state.windowsSeen() - windowsAtLastProgress) / seconds;
          double secondsPerStep = trainingNanos / 1e9 / Math.max(1, state.globalStep() - (resumedAt < 0 ? 0
              : resumedAt));
          listener.progress(new ReaderTrainer.Progress(epoch + 1, settings.epochs(), state.globalStep(), totalSteps,
              smoothed, rate, secondsPerStep * (totalSteps - state.globalStep())));
          lastProgressNanos = now;
          windowsAtLastProgress = state.windowsSeen();
        }
        if (stop.getAsBoolean()) {
          checkpoint("stopped");
          return result(null, windowsThisProcess, trainingNanos);
        }
        if (settings.maxSteps() > 0 && state.globalStep() >= settings.maxSteps()) {
          finished = false;
          break outer;
        }
        if ((now - lastCheckpointNanos) / 60e9 >= settings.checkpointMinutes()) {
          checkpoint("periodic");
          lastCheckpointNanos = System.nanoTime();
        }
      }
      state = state.advanced(state.globalStep(), epoch + 1, 0, state.windowsSeen(), state.wallSeconds(),
          state.smoothedLoss());
      if (dev != null) {
        scoreDev(dev, epoch + 1);
      }
      checkpoint("epoch " + (epoch + 1) + " done");
      lastCheckpointNanos = System.nanoTime();
    }
    if (!finished) {
      listener.message("stopping at step " + state.globalStep() + " (--max-steps)");
      if (dev != null) {
        scoreDev(dev, state.epoch() + 1);
      }
      checkpoint("max steps");
    }
    return result(finish(), windowsThisProcess, trainingNanos);
  }

  private double learningRate(long step) {
    double factor = step < warmupSteps ? (step + 1.0) / warmupSteps
        : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    if (resumedAt >= 0 && !state.optimizerRestored() && step - resumedAt < ReaderTrainer.REWARM_STEPS) {
      factor *= (step - resumedAt + 1.0) / ReaderTrainer.REWARM_STEPS;
    }
    return settings.learningRate() * factor;
  }

  private void checkpoint(String why) throws IOException {
    lastCheckpoint = checkpoints.save(block, optimizer, state);
    listener.message("checkpoint (" + why + ") at step " + state.globalStep() + ": " + lastCheckpoint);
  }

  private void scoreDev(DevScorer dev, int epoch) throws IOException {
    Path candidate = Files.createTempDirectory(Files.createDirectories(checkpoints.directory()), "candidate-");
    Path model = candidate.resolve("model.pt.tmp");
    ReaderFolder.writeModel(block, model);
    Path folder = candidate.resolve("reader");
    ReaderFolder.write(folder, readerName(), model, base, recorded(null), note());
    Files.delete(model);
    long began = System.nanoTime();
    EvalReport report = dev.score(folder);
    TrainingState.DevPoint point = new TrainingState.DevPoint(epoch, state.globalStep(), report.overall().exact(),
        report.overall().f1());
    state.dev().add(point);
    boolean best = state.best() == null || point.f1() > state.best().f1();
    listener.message(String.format("dev after epoch %d (step %d): EM %.2f F1 %.2f on %d questions in %.0f s%s",
        epoch, state.globalStep(), point.exact(), point.f1(), report.overall().total(),
        (System.nanoTime() - began) / 1e9, best ? " (best so far)" : ""));
    if (best) {
      state = state.withBest(point);
      ReaderFolder.write(folder, readerName(), folder.resolve(readerName() + ".pt"), base, recorded(point), note());
      checkpoints.keepBest(folder);
    }
    OutputFolder.deleteQuietly(candidate);
  }

  /** Writes the reader folder: the best epoch's model when a dev file scored epochs, else the current one. */
  private Path finish() throws IOException {
    Path staging = output.staging();
    boolean success = false;
    try {
      Path source = checkpoints.best();
      if (state.best() == null || !Files.isDirectory(source)) {
        Path model = staging.resolve(".model.pt");
        ReaderFolder.writeModel(block, model);
        ReaderFolder.write(staging, readerName(), model, base, recorded(null), note());
        Files.delete(model);
      } else {
        ReaderFolder.write(staging, readerName(), source.resolve(readerName() + ".pt"), base,
            recorded(state.best()), note());
      }
      if (settings.devFile() != null) {
        calibrate(staging);
      }
      TrainingPlot.write(staging.resolve("training.png"), state);
      JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve("training.json").toFile(), state);
      output.publish(staging);
      success = true;
      listener.message("wrote reader " + output.path());
      return output.path();
    } finally {
      if (!success) {
        OutputFolder.deleteQuietly(staging);
      }
    }
  }

  /** Records the no-answer threshold that maximises F1 on the dev set with negatives (see the calibration). */
  private void calibrate(Path folder) {
    long began = System.nanoTime();
    NullThresholdCalibration.Result calibration = NullThresholdCalibration.calibrate(folder,
        SquadDataset.read(settings.devFile()), settings.maxSeqLength(), settings.docStride(), settings.threads(),
        settings.seed(), (done, total) -> {});
    calibration.recordIn(folder);
    listener.message(String.format("%s (dev, %.0f s)", calibration.summary(), (System.nanoTime() - began) / 1e9));
  }

  private String readerName() {
    String name = output.path().getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() ? "reader" : name;
  }

  private String note() {
    return "extractive reader fine-tuned by docqa train from " + settings.base() + " (" + settings.objective().id()
        + " objective); see serving.properties";
  }

  private Map<String, String> recorded(TrainingState.DevPoint dev) {
    Map<String, String> recorded = new LinkedHashMap<>();
    recorded.put("docqa.base", ReaderFolder.lineage(base, settings.base()));
    recorded.put("docqa.train.files", String.join(",", settings.trainFiles().stream()
        .map(path -> path.getFileName().toString()).toList()));
    recorded.put("docqa.train.examples", Integer.toString(examples.examples().size()));
    recorded.put("docqa.train.steps", Long.toString(state.globalStep()));
    recorded.put("docqa.train.epochs", Integer.toString(settings.epochs()));
    recorded.put("docqa.train.objective", settings.objective().id());
    recorded.put("docqa.train.negatives", Double.toString(settings.negatives()));
    recorded.put("docqa.train.learningRate", Double.toString(settings.learningRate()));
    recorded.put("docqa.train.batchSize", Integer.toString(settings.batchSize()));
    recorded.put("docqa.train.seed", Long.toString(settings.seed()));
    if (dev != null) {
      recorded.put("docqa.dev.file", settings.devFile().getFileName().toString());
      recorded.put("docqa.dev.epoch", Integer.toString(dev.epoch()));
      recorded.put("docqa.dev.exact", String.format("%.2f", dev.exact()));
      recorded.put("docqa.dev.f1", String.format("%.2f", dev.f1()));
    }
    return recorded;
  }

  private ReaderTrainer.Result result(Path out, long windowsThisProcess, long trainingNanos) {
    TrainingState.DevPoint best = state.best();
    return new ReaderTrainer.Result(out, lastCheckpoint, state.globalStep(), totalSteps, state.windowsSeen(),
        state.wallSeconds(), windowsThisProcess / Math.max(1e-9, trainingNanos / 1e9),
        best == null ? null : new ReaderTrainer.Scores(best.epoch(), best.step(), best.exact(), best.f1()),
        examples.examples().size(), features.windows().size(), examples.mismatches().size(), state.smoothedLoss());
  }
}
