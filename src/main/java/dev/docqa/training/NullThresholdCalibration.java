package dev.docqa.training;

import dev.docqa.document.Passage;
import dev.docqa.eval.SquadDataset;
import dev.docqa.eval.SquadScoring;
import dev.docqa.reading.Reader;
import dev.docqa.reading.ReaderResult;
import dev.docqa.reading.ReadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Calibrates a reader's no-answer threshold on a dev set with negatives: every answerable question is read against its
 * own paragraph and against a paragraph of the same article without its answer (as in training), and the threshold on
 * {@code nullScore - bestScore} that maximises the SQuAD 2.0 F1 of both together (the official script's
 * {@code best_f1_thresh}) is chosen. The result goes into the reader's serving.properties as
 * {@code docqa.nullThreshold}, the default of {@code --no-answer}.
 */
final class NullThresholdCalibration {

  /**
   * @param threshold "no answer" when {@code nullScore - bestScore > threshold}
   * @param f1 SQuAD 2.0 F1 (percent) over answerable and negative questions at that threshold
   * @param noAnswerF1 the same with "no answer" never chosen (so the gain the rule brings is visible)
   */
  record Result(double threshold, double f1, double noAnswerF1, int answerable, int negatives) {}

  private record Item(double margin, double f1IfAnswered, boolean negative) {}

  private NullThresholdCalibration() {}

  static Result calibrate(Path readerFolder, SquadDataset dev, int maxSeqLength, int docStride, int threads,
      long seed) {
    TrainingExamples examples = TrainingExamples.of(List.of(dev), 1.0, seed);
    List<Item> items = new ArrayList<>();
    try (Reader reader = DevScorer.open(readerFolder, maxSeqLength, docStride, threads)) {
      ReadOptions options = reader.defaultOptions();
      for (TrainingExamples.Example example : examples.examples()) {
        ReaderResult result = reader.read(example.question(), List.of(Passage.ofText("dev", example.context())),
            options);
        if (result.answers().isEmpty()) {
          continue;
        }
        double margin = result.nullScore() - result.answers().getFirst().score();
        double f1 = example.answerable()
            ? SquadScoring.V1_1.f1Max(List.of(example.answerText()), result.answers().getFirst().text())
            : 0.0;
        items.add(new Item(margin, f1, !example.answerable()));
      }
    }
    return best(items);
  }

  /** The threshold maximising F1 over {@code items}: sweep thresholds from "always abstain" upwards. */
  private static Result best(List<Item> items) {
    items.sort(Comparator.comparingDouble(Item::margin));
    int negatives = (int) items.stream().filter(Item::negative).count();
    double score = negatives; // threshold below every margin: every question abstains
    double bestScore = score;
    double bestThreshold = items.isEmpty() ? 0 : items.getFirst().margin() - 1;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      score += item.negative() ? -1 : item.f1IfAnswered();
      boolean tieWithNext = i + 1 < items.size() && items.get(i + 1).margin() == item.margin();
      if (!tieWithNext && score > bestScore) {
        bestScore = score;
        bestThreshold = item.margin();
      }
    }
    double answerAll = items.stream().mapToDouble(Item::f1IfAnswered).sum();
    int total = Math.max(1, items.size());
    return new Result(bestThreshold, 100 * bestScore / total, 100 * answerAll / total, items.size() - negatives,
        negatives);
  }
}
