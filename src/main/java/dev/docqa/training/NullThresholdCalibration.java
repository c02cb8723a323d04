package dev.docqa.training;

import dev.docqa.InvalidInputException;
import dev.docqa.document.Passage;
import dev.docqa.eval.SquadDataset;
import dev.docqa.eval.SquadEvaluation;
import dev.docqa.eval.SquadScoring;
import dev.docqa.reading.Reader;
import dev.docqa.reading.ReaderResult;
import dev.docqa.reading.ReadOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibrates a reader's no-answer threshold on a dev set with negatives: every answerable question is read against its
 * own paragraph and against a paragraph of the same article without its answer (as in training), and the threshold on
 * {@code nullScore - bestScore} that maximises the SQuAD 2.0 F1 of both together (the official script's
 * {@code best_f1_thresh}) is chosen. The result goes into the reader's serving.properties as
 * {@code docqa.nullThreshold}, the default of {@code --no-answer}. {@code docqa train --dev} calibrates the reader it
 * writes; {@code docqa eval --calibrate} calibrates any reader folder (an averaged or quantised one has no run of its
 * own).
 */
public final class NullThresholdCalibration {

  /**
   * @param threshold "no answer" when {@code nullScore - bestScore > threshold}
   * @param f1 SQuAD 2.0 F1 (percent) over answerable and negative questions at that threshold
   * @param noAnswerF1 the same with "no answer" never chosen (so the gain the rule brings is visible)
   */
  public record Result(double threshold, double f1, double noAnswerF1, int answerable, int negatives) {

    /** Makes this threshold the folder's default for {@code --no-answer}, replacing an earlier calibration. */
    public void recordIn(Path readerFolder) {
      Map<String, String> recorded = new LinkedHashMap<>();
      recorded.put("docqa.nullThreshold", String.format("%.4f", threshold));
      recorded.put("docqa.nullThreshold.f1", String.format("%.2f", f1));
      recorded.put("docqa.nullThreshold.f1WithoutRule", String.format("%.2f", noAnswerF1));
      recorded.put("docqa.nullThreshold.questions", answerable + " answerable + " + negatives + " negatives");
      try {
        ReaderFolder.record(readerFolder, recorded);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot record the no-answer threshold in " + readerFolder, e);
      }
    }

    /** One line for a person: the threshold, on what it was found, and the F1 it gives against none. */
    public String summary() {
      return String.format("no-answer threshold %.4f calibrated on %d answerable and %d negative questions: F1 %.2f"
          + " with the rule, %.2f without", threshold, answerable, negatives, f1, noAnswerF1);
    }
  }

  private record Item(double margin, double f1IfAnswered, boolean negative) {}

  private NullThresholdCalibration() {}

  /**
   * @param seed which paragraph of the same article each question is paired with
   * @param threads PyTorch intra-op threads; 0 keeps the engine default
   * @param progress told after each read (a question against its paragraph or against its negative)
   * @throws InvalidInputException when {@code dev} gives no answerable question or no negative
   */
  public static Result calibrate(Path readerFolder, SquadDataset dev, int maxSeqLength, int docStride, int threads,
      long seed, SquadEvaluation.Progress progress) {
    TrainingExamples examples = TrainingExamples.of(List.of(dev), 1.0, seed);
    long negatives = examples.examples().stream().filter(example -> !example.answerable()).count();
    if (negatives == 0 || negatives == examples.examples().size()) {
      throw new InvalidInputException("calibrating a no-answer threshold needs answerable questions and negatives "
          + "(articles of two or more paragraphs, or SQuAD 2.0 questions without an answer); the file has "
          + (examples.examples().size() - negatives) + " answerable and " + negatives + " negatives");
    }
    List<Item> items = new ArrayList<>();
    try (Reader reader = DevScorer.open(readerFolder, maxSeqLength, docStride, threads)) {
      ReadOptions options = reader.defaultOptions();
      int done = 0;
      for (TrainingExamples.Example example : examples.examples()) {
        progress.questionsDone(++done, examples.examples().size());
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
