package dev.docqa.cli;

import dev.docqa.training.Objective;
import dev.docqa.training.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Arguments of {@code train}.
 *
 * @param resume continue the newest checkpoint instead of starting from the base
 * @param json print one JSON summary line at the end
 * @param benchmark set (and {@code settings} null) when only the training step is to be timed
 */
record TrainArguments(TrainingSettings settings, boolean resume, boolean json, Benchmark benchmark) {

  /** What {@code --benchmark} times. */
  record Benchmark(String base, int batchSize, int threads) {}

  static final String USAGE = """
      usage: docqa train TRAIN.json... --out DIR [--base MODEL] [--dev DEV.json] [--epochs N] [--batch-size N]
                         [--learning-rate X] [--max-seq-length N] [--doc-stride N] [--negatives R]
                         [--objective span|shared-norm] [--distractors K] [--seed N] [--threads N]
                         [--checkpoints DIR] [--checkpoint-minutes M] [--max-steps N] [--device cpu|gpu]
                         [--resume] [--json]
             docqa train --benchmark [--base MODEL] [--batch-size N] [--threads N]
        Fine-tunes an extractive reader on SQuAD v1.1/v2.0 files and writes a reader folder for --reader.
        --out DIR              the reader folder to write (must not exist or be empty)
        --base MODEL           model to start from: folder, classpath:, s3:// or djl://; default: docqa's reader
        --dev DEV.json         score gold-mode EM/F1 after each epoch and keep the best epoch
        --epochs N             passes over the data; default 2
        --batch-size N         windows per step; default 32
        --learning-rate X      peak AdamW rate (10% warm-up, then linear decay); default 1e-4
        --max-seq-length N     tokens per window; default 384
        --doc-stride N         overlap between windows of one context; default 128
        --negatives R          share of questions also trained against a paragraph without the answer; default 0.2
        --objective O          span (softmax per window) or shared-norm (across a question's paragraphs); default span
        --distractors K        with shared-norm: paragraphs of the same article grouped with each question; default 2
        --seed N               data order, negatives, dropout; default 42
        --threads N            PyTorch threads; default: the engine's
        --checkpoints DIR      checkpoint folder; default: DIR.checkpoints beside --out
        --checkpoint-minutes M checkpoint at least this often; default 10 (and always on Ctrl-C or SIGTERM)
        --max-steps N          stop after N steps in all and write the reader (the schedule stays the full run's)
        --device D             cpu, or gpu (the first CUDA device DJL sees); default: gpu when there is one
        --resume               continue the newest checkpoint at its step, in the same data order
        --json                 end with one JSON summary line on stdout
        --benchmark            time training steps on synthetic batches of 128, 256 and 384 tokens, print JSON
                               (compare with src/tools/train_eager_baseline.py: the ratio is the efficiency)""";

  static final String OUT = "--out";
  static final String BASE = "--base";
  static final String DEV = "--dev";
  static final String EPOCHS = "--epochs";
  static final String BATCH_SIZE = "--batch-size";
  static final String LEARNING_RATE = "--learning-rate";
  static final String MAX_SEQ_LENGTH = "--max-seq-length";
  static final String DOC_STRIDE = "--doc-stride";
  static final String NEGATIVES = "--negatives";
  static final String OBJECTIVE = "--objective";
  static final String DISTRACTORS = "--distractors";
  static final String SEED = "--seed";
  static final String THREADS = "--threads";
  static final String CHECKPOINTS = "--checkpoints";
  static final String CHECKPOINT_MINUTES = "--checkpoint-minutes";
  static final String MAX_STEPS = "--max-steps";
  static final String DEVICE = "--device";
  static final String RESUME = "--resume";
  static final String JSON = "--json";
  static final String BENCHMARK = "--benchmark";

  static TrainArguments parse(List<String> args) throws UsageException {
    CommandLine line = CommandLine.parse(args,
        Set.of(OUT, BASE, DEV, EPOCHS, BATCH_SIZE, LEARNING_RATE, MAX_SEQ_LENGTH, DOC_STRIDE, NEGATIVES, OBJECTIVE,
            DISTRACTORS, SEED, THREADS, CHECKPOINTS, CHECKPOINT_MINUTES, MAX_STEPS, DEVICE),
        Set.of(RESUME, JSON, BENCHMARK));
    if (line.has(BENCHMARK)) {
      if (!line.positionals().isEmpty()) {
        throw new UsageException("--benchmark takes no training files");
      }
      line.reject(List.of(OUT, DEV, EPOCHS, LEARNING_RATE, MAX_SEQ_LENGTH, DOC_STRIDE, NEGATIVES, OBJECTIVE,
          DISTRACTORS, SEED, CHECKPOINTS, CHECKPOINT_MINUTES, MAX_STEPS, DEVICE, RESUME), "with --benchmark");
      return new TrainArguments(null, false, true, new Benchmark(
          line.value(BASE).orElse(TrainingSettings.DEFAULT_BASE), intOr(line, BATCH_SIZE, 32),
          line.value(THREADS).isPresent() ? SettingsFlags.positiveInt(THREADS, line.value(THREADS).get()) : 0));
    }
    if (line.positionals().isEmpty()) {
      throw new UsageException("train needs at least one TRAIN.json file");
    }
    List<Path> files = new ArrayList<>();
    for (String name : line.positionals()) {
      Path file = Path.of(name);
      if (!Files.isRegularFile(file)) {
        throw new UsageException("TRAIN.json must be a readable file; got " + name);
      }
      files.add(file);
    }
    Path out = Path.of(line.value(OUT).orElseThrow(() -> new UsageException("train needs --out DIR")));
    TrainingSettings d = TrainingSettings.defaults(files, out);
    Path dev = line.value(DEV).map(Path::of).orElse(null);
    if (dev != null && !Files.isRegularFile(dev)) {
      throw new UsageException("--dev must be a readable file; got " + dev);
    }
    Objective objective = d.objective();
    if (line.value(OBJECTIVE).isPresent()) {
      try {
        objective = Objective.of(line.value(OBJECTIVE).get());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--objective must be span or shared-norm; got " + line.value(OBJECTIVE).get(), e);
      }
    }
    int distractors = objective == Objective.SHARED_NORM ? 2 : 0;
    if (line.value(DISTRACTORS).isPresent()) {
      if (objective != Objective.SHARED_NORM) {
        throw new UsageException("--distractors needs --objective shared-norm");
      }
      distractors = (int) integer(DISTRACTORS, line.value(DISTRACTORS).get(), 0, Integer.MAX_VALUE);
    }
    int docStride = line.value(DOC_STRIDE).isPresent()
        ? (int) integer(DOC_STRIDE, line.value(DOC_STRIDE).get(), 0, Integer.MAX_VALUE) : d.docStride();
    long seed = line.value(SEED).isPresent()
        ? integer(SEED, line.value(SEED).get(), Long.MIN_VALUE, Long.MAX_VALUE) : d.seed();
    String device = line.value(DEVICE).orElse("gpu");
    if (!device.equals("cpu") && !device.equals("gpu")) {
      throw new UsageException("--device must be cpu or gpu; got " + device);
    }
    try {
      TrainingSettings settings = new TrainingSettings(
          files,
          dev,
          line.value(BASE).orElse(d.base()),
          out,
          line.value(CHECKPOINTS).map(Path::of).orElse(d.checkpoints()),
          intOr(line, EPOCHS, d.epochs()),
          intOr(line, BATCH_SIZE, d.batchSize()),
          doubleOr(line, LEARNING_RATE, d.learningRate()),
          d.weightDecay(),
          d.warmupShare(),
          intOr(line, MAX_SEQ_LENGTH, d.maxSeqLength()),
          docStride,
          doubleOr(line, NEGATIVES, d.negatives()),
          objective,
          distractors,
          seed,
          line.value(THREADS).isPresent() ? SettingsFlags.positiveInt(THREADS, line.value(THREADS).get())
              : d.threads(),
          doubleOr(line, CHECKPOINT_MINUTES, d.checkpointMinutes()),
          line.value(MAX_STEPS).isPresent() ? SettingsFlags.positiveInt(MAX_STEPS, line.value(MAX_STEPS).get())
              : d.maxSteps(),
          device.equals("gpu"));
      return new TrainArguments(settings, line.has(RESUME), line.has(JSON), null);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static int intOr(CommandLine line, String flag, int fallback) throws UsageException {
    return line.value(flag).isPresent() ? SettingsFlags.positiveInt(flag, line.value(flag).get()) : fallback;
  }

  private static double doubleOr(CommandLine line, String flag, double fallback) throws UsageException {
    if (line.value(flag).isEmpty()) {
      return fallback;
    }
    String value = line.value(flag).get();
    try {
      double parsed = Double.parseDouble(value.trim());
      if (!Double.isFinite(parsed)) {
        throw new UsageException(flag + " must be a finite number; " + flag + "=" + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a number; " + flag + "=" + value, e);
    }
  }

  /** An integer flag value in [{@code min}, {@code max}]. */
  private static long integer(String flag, String value, long min, long max) throws UsageException {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be an integer; " + flag + "=" + value, e);
    }
    if (parsed < min || parsed > max) {
      throw new UsageException(flag + " must be an integer in [" + min + ", " + max + "]; " + flag + "=" + value);
    }
    return parsed;
  }
}
