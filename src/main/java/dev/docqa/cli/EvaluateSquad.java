package dev.docqa.cli;

import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.ReaderSettings;
import dev.docqa.eval.EvalReport;
import dev.docqa.eval.SquadDataset;
import dev.docqa.eval.SquadEvaluation;
import dev.docqa.service.DocQa;
import dev.docqa.training.NullThresholdCalibration;
import dev.docqa.training.TrainingSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** {@code eval SQUAD.json}: EM/F1, recall@k and latency of docqa on a SQuAD file; progress on stderr. */
final class EvaluateSquad {

  private final Backend backend;
  private final PrintStream out;
  private final PrintStream err;

  EvaluateSquad(Backend backend, PrintStream out, PrintStream err) {
    this.backend = backend;
    this.out = out;
    this.err = err;
  }

  int run(EvalArguments arguments) {
    SquadDataset dataset = SquadDataset.read(arguments.squadFile());
    DocqaSettings settings = arguments.settings();
    if (arguments.calibrate()) {
      return calibrate(dataset, settings.reader(), arguments.json());
    }
    SquadEvaluation evaluation = new SquadEvaluation(settings.retrieval(), this::progress);
    EvalReport report;
    if (arguments.gold()) {
      try (ScratchIndex scratch = ScratchIndex.create(); DocQa docqa = backend.open(scratch.settings(settings))) {
        report = evaluation.goldParagraph(dataset, docqa);
      }
    } else {
      // A fresh index each run, read back at once (no staleness window): a temporary embedded one, or the empty
      // OpenSearch index named with --index.
      report = evaluation.openBook(dataset, directory -> requireEmpty(
          backend.open(settings.withStorage(SettingsFlags.dataFolder(directory, settings.storage(), Duration.ZERO))),
          settings));
    }
    if (arguments.json()) {
      out.println(JsonOutput.eval(report));
    } else {
      TextOutput.eval(report, out);
    }
    return Main.EXIT_OK;
  }

  /** Finds the reader folder's no-answer threshold on {@code dataset} and makes it the folder's default. */
  private int calibrate(SquadDataset dataset, ReaderSettings reader, boolean json) {
    Path folder = Path.of(reader.model());
    NullThresholdCalibration.Result result = NullThresholdCalibration.calibrate(folder, dataset,
        reader.maxSeqLength(), reader.docStride(), reader.intraOpThreads(), TrainingSettings.DEFAULT_SEED,
        this::progress);
    result.recordIn(folder);
    if (json) {
      out.println(JsonOutput.calibration(result, folder));
    } else {
      out.println(result.summary());
      out.println("recorded in " + folder.resolve("serving.properties") + " (the default of --no-answer)");
    }
    return Main.EXIT_OK;
  }

  /** {@code docqa}, when its index holds nothing yet: an evaluation must not mix its articles with other documents. */
  private static DocQa requireEmpty(DocQa docqa, DocqaSettings settings) {
    if (!docqa.documents().isEmpty()) {
      docqa.close();
      throw new DocqaException("eval indexes the file's articles into an empty index, but "
          + IndexLocation.describe(settings) + " holds documents: name a new index");
    }
    return docqa;
  }

  /** About twenty lines however long the run. */
  private void progress(int done, int total) {
    int step = Math.max(1, total / 20);
    if (done % step == 0 || done == total) {
      err.println("eval: " + done + "/" + total + " questions");
    }
  }
}
