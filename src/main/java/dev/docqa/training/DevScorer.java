package dev.docqa.training;

import dev.docqa.config.ReaderSettings;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.eval.EvalReport;
import dev.docqa.eval.SquadDataset;
import dev.docqa.eval.SquadEvaluation;
import dev.docqa.models.ModelResolver;
import dev.docqa.reading.Answer;
import dev.docqa.reading.Reader;
import dev.docqa.reading.ReadOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Gold-mode EM/F1 of a reader folder on a SQuAD file, with the project's own scorer: each question read against its
 * own paragraph by the same {@link Reader} that serves answers, so the figure is what a user of the folder gets.
 */
final class DevScorer {

  private final SquadDataset dataset;
  private final int maxSeqLength;
  private final int docStride;
  private final int threads;

  DevScorer(SquadDataset dataset, int maxSeqLength, int docStride, int threads) {
    this.dataset = dataset;
    this.maxSeqLength = maxSeqLength;
    this.docStride = docStride;
    this.threads = threads;
  }

  EvalReport score(Path readerFolder) {
    try (Reader reader = open(readerFolder, maxSeqLength, docStride, threads)) {
      ReadOptions options = reader.defaultOptions();
      return new SquadEvaluation(RetrievalSettings.defaults(), (done, total) -> {}).goldParagraph(dataset,
          (question, context) -> reader.read(question, List.of(context), options).best().map(Answer::text)
              .orElse(""));
    }
  }

  /** A serving {@link Reader} over a reader folder, with the run's window settings and the serving defaults. */
  static Reader open(Path readerFolder, int maxSeqLength, int docStride, int threads) {
    ReaderSettings defaults = ReaderSettings.defaults();
    ReaderSettings settings = new ReaderSettings(readerFolder.toString(), maxSeqLength, docStride,
        defaults.maxAnswerLength(), defaults.maxBatchSize(), threads);
    return Reader.open(settings, ModelResolver.withoutS3(ModelResolver.defaultCacheDir()));
  }
}
