package dev.docqa.training;

import dev.docqa.InvalidInputException;
import dev.docqa.eval.SquadDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The questions of one or more SQuAD files as training examples, with every gold {@code answer_start} checked against
 * its text, and optional negatives: questions paired with another paragraph of the same article that lacks the answer.
 *
 * @param examples in file order, negatives after their question
 * @param questions questions read (answerable and not)
 * @param mismatches ids of questions whose {@code answer_start} does not point at their answer text; skipped
 * @param articles articles read, each with its paragraphs, for distractors
 */
public record TrainingExamples(
    List<Example> examples, int questions, List<String> mismatches, List<List<String>> articles) {

  /** Training refuses data with more than this share of mismatched answers. */
  public static final double MAX_MISMATCH_SHARE = 0.01;

  public TrainingExamples {
    examples = List.copyOf(examples);
    mismatches = List.copyOf(mismatches);
    articles = articles.stream().map(List::copyOf).toList();
  }

  /**
   * One training example.
   *
   * @param id the question's id ({@code id + "/negative"} for a negative)
   * @param article index into {@link #articles()}
   * @param paragraph index of the context among the article's paragraphs
   * @param answerStart code-point offset of the answer, -1 for none (unanswerable, or a negative)
   * @param answerEnd code-point offset (exclusive) of the answer's end, -1 for none
   * @param answerText the gold answer's text (a negative keeps its question's, so distractors can avoid it), or ""
   */
  public record Example(String id, String question, String context, int article, int paragraph, int answerStart,
      int answerEnd, String answerText) {

    public boolean answerable() {
      return answerStart >= 0;
    }
  }

  /**
   * Reads {@code files} and adds negatives for a {@code negatives} share of the answerable questions.
   *
   * @throws InvalidInputException when a file is missing, malformed or empty, or when more than
   *     {@link #MAX_MISMATCH_SHARE} of the answers do not match their {@code answer_start}
   */
  public static TrainingExamples read(List<Path> files, double negatives, long seed) {
    List<SquadDataset> datasets = new ArrayList<>();
    for (Path file : files) {
      datasets.add(SquadDataset.read(file));
    }
    return of(datasets, negatives, seed);
  }

  /** As {@link #read}, over parsed datasets. */
  public static TrainingExamples of(List<SquadDataset> datasets, double negatives, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Example> examples = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    List<List<String>> articles = new ArrayList<>();
    int questions = 0;
    for (SquadDataset dataset : datasets) {
      for (SquadDataset.Article article : dataset.articles()) {
        int articleIndex = articles.size();
        List<String> contexts = article.paragraphs().stream().map(SquadDataset.Paragraph::context).toList();
        articles.add(contexts);
        for (int p = 0; p < contexts.size(); p++) {
          String context = contexts.get(p);
          for (SquadDataset.Question question : article.paragraphs().get(p).questions()) {
            questions++;
            if (!question.answerable()) {
              examples.add(new Example(question.id(), question.text(), context, articleIndex, p, -1, -1, ""));
              continue;
            }
            // Several gold answers (dev-style files): train on the first, as the Hugging Face recipe does.
            SquadDataset.GoldAnswer answer = question.answers().getFirst();
            if (!matches(context, answer)) {
              mismatches.add(question.id());
              continue;
            }
            examples.add(
                new Example(question.id(), question.text(), context, articleIndex, p, answer.start(), answer.end(),
                    answer.text()));
            if (negatives > 0 && random.nextDouble() < negatives) {
              int other = paragraphWithout(contexts, p, answer.text(), random);
              if (other >= 0) {
                examples.add(new Example(
                    question.id() + "/negative", question.text(), contexts.get(other), articleIndex, other, -1, -1,
                    answer.text()));
              }
            }
          }
        }
      }
    }
    if (questions == 0) {
      throw new InvalidInputException("the training files hold no questions");
    }
    if (mismatches.size() > MAX_MISMATCH_SHARE * questions) {
      throw new InvalidInputException(
          mismatches.size() + " of " + questions + " answers do not match their answer_start (more than "
              + Math.round(MAX_MISMATCH_SHARE * 100) + "%), e.g. ids " + String.join(", ", first(mismatches, 5)));
    }
    if (examples.stream().noneMatch(Example::answerable)) {
      throw new InvalidInputException("the training files hold no answerable question with a matching answer");
    }
    return new TrainingExamples(examples, questions, mismatches, articles);
  }

  /** Whether the context holds the answer's text at its {@code answer_start} (code points, as in Python). */
  static boolean matches(String context, SquadDataset.GoldAnswer answer) {
    int length = answer.text().codePointCount(0, answer.text().length());
    if (answer.text().isEmpty() || answer.start() < 0
        || answer.start() + length > context.codePointCount(0, context.length())) {
      return false;
    }
    int from = context.offsetByCodePoints(0, answer.start());
    int to = context.offsetByCodePoints(from, length);
    return context.substring(from, to).equals(answer.text());
  }

  /** A random other paragraph that does not contain {@code answer}, or -1 when the article has none. */
  private static int paragraphWithout(List<String> contexts, int own, String answer, SplittableRandom random) {
    List<Integer> candidates = new ArrayList<>();
    for (int p = 0; p < contexts.size(); p++) {
      if (p != own && !contexts.get(p).contains(answer)) {
        candidates.add(p);
      }
    }
    return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
  }

  private static List<String> first(List<String> values, int n) {
    return values.subList(0, Math.min(n, values.size()));
  }

  /** Answerable examples (negatives and unanswerable questions excluded). */
  public long answerable() {
    return examples.stream().filter(Example::answerable).count();
  }
}
