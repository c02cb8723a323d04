package dev.docqa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.StorageSettings;
import dev.docqa.models.ModelResolver;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.S3ObjectStore;
import dev.docqa.training.ReaderTrainer;
import dev.docqa.training.TrainingBenchmark;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code train}: fine-tunes a reader. Progress goes to stderr; Ctrl-C or SIGTERM checkpoints before the process ends,
 * so {@code --resume} loses nothing.
 */
final class TrainReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StorageSettings storage;
  private final PrintStream out;
  private final PrintStream err;

  TrainReader(StorageSettings storage, PrintStream out, PrintStream err) {
    this.storage = storage;
    this.out = out;
    this.err = err;
  }

  int run(TrainArguments arguments) {
    List<ObjectStore> buckets = Collections.synchronizedList(new ArrayList<>());
    ModelResolver resolver = new ModelResolver(storage.cacheDir().resolve(CoreBackend.MODEL_CACHE), bucket -> {
      ObjectStore store = S3ObjectStore.open(CoreBackend.s3Connection(storage), bucket, "");
      buckets.add(store);
      return store;
    });
    if (arguments.benchmark() != null) {
      try {
        return benchmark(arguments.benchmark(), resolver);
      } finally {
        buckets.forEach(ObjectStore::close);
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    // On SIGINT/SIGTERM the JVM runs this hook while the training thread goes on: ask it to checkpoint, then wait.
    Thread hook = new Thread(() -> {
      stop.set(true);
      try {
        done.await(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "docqa-train-checkpoint-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      ReaderTrainer trainer = new ReaderTrainer(arguments.settings(), resolver, new ReaderTrainer.Listener() {
        @Override
        public void message(String line) {
          err.println("train: " + line);
        }

        @Override
        public void progress(ReaderTrainer.Progress p) {
          err.printf("train: epoch %d/%d step %d/%d (%.1f%%) loss %.4f %.1f windows/s ETA %s%n", p.epoch(),
              p.epochs(), p.step(), p.totalSteps(), 100.0 * p.step() / p.totalSteps(), p.loss(),
              p.windowsPerSecond(), duration(p.etaSeconds()));
        }
      });
      ReaderTrainer.Result result = arguments.resume() ? trainer.resume(stop::get) : trainer.train(stop::get);
      report(result, arguments.json());
      return Main.EXIT_OK;
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the checkpoint is written
      }
      buckets.forEach(ObjectStore::close);
    }
  }

  private int benchmark(TrainArguments.Benchmark benchmark, ModelResolver resolver) {
    err.println("train: timing training steps of " + benchmark.batchSize() + " windows on " + benchmark.base());
    List<TrainingBenchmark.Row> rows = TrainingBenchmark.run(resolver.resolve(benchmark.base()),
        benchmark.batchSize(), new int[] {128, 256, 384}, 2, 5, benchmark.threads(), 20261202L);
    ObjectNode root = JSON.createObjectNode();
    root.put("model", benchmark.base());
    root.put("threads", benchmark.threads());
    ArrayNode lengths = root.putArray("steps");
    for (TrainingBenchmark.Row row : rows) {
      lengths.addObject().put("length", row.length()).put("batch_size", row.batchSize()).put("steps", row.steps())
          .put("seconds", round(row.seconds())).put("windows_per_second", round(row.windowsPerSecond()));
    }
    out.println(root);
    return Main.EXIT_OK;
  }

  private void report(ReaderTrainer.Result result, boolean json) {
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("out", result.out() == null ? null : result.out().toString());
      root.put("stopped", result.out() == null);
      root.put("checkpoint", result.checkpoint() == null ? null : result.checkpoint().toString());
      root.put("steps", result.steps());
      root.put("total_steps", result.totalSteps());
      root.put("examples", result.examples());
      root.put("windows", result.features());
      root.put("mismatched_answers", result.mismatches());
      root.put("windows_trained", result.windows());
      root.put("windows_per_second", round(result.windowsPerSecond()));
      root.put("wall_seconds", round(result.wallSeconds()));
      root.put("final_loss", round(result.finalLoss()));
      if (result.best() != null) {
        ObjectNode dev = root.putObject("dev");
        dev.put("epoch", result.best().epoch());
        dev.put("step", result.best().step());
        dev.put("exact", round(result.best().exact()));
        dev.put("f1", round(result.best().f1()));
      }
      out.println(root);
      return;
    }
    if (result.out() == null) {
      out.println("stopped at step " + result.steps() + " of " + result.totalSteps() + "; checkpoint "
          + result.checkpoint() + " (continue with the same command and --resume)");
    } else {
      out.println("reader written to " + result.out() + " after " + result.steps() + " steps ("
          + duration(result.wallSeconds()) + ", " + String.format("%.1f", result.windowsPerSecond())
          + " windows/s)");
    }
    if (result.best() != null) {
      out.printf("dev (gold paragraph), epoch %d: EM %.2f F1 %.2f%n", result.best().epoch(), result.best().exact(),
          result.best().f1());
    }
  }

  private static double round(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : Double.NaN;
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
