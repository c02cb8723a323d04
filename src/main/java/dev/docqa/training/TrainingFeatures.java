package dev.docqa.training;

import dev.docqa.reading.TrainingWindows;
import java.util.ArrayList;
import java.util.List;

/**
 * Every labelled window of a run, and the groups that share one softmax: under {@link Objective#SPAN} each window is
 * its own group; under {@link Objective#SHARED_NORM} a group holds a question's windows and those of its distractor
 * paragraphs. Immutable once built.
 *
 * @param windows labelled windows
 * @param groups for each group, the indexes of its windows
 */
record TrainingFeatures(List<TrainingWindows.Labelled> windows, List<int[]> groups) {

  /** Picks the distractor paragraphs of one example: indexes into its article's paragraphs, best first. */
  @FunctionalInterface
  interface Distractors {
    List<Integer> pick(TrainingExamples.Example example, int count);
  }

  /** Reports tokenisation progress: examples done of all. */
  @FunctionalInterface
  interface Progress {
    void examplesDone(int done, int total);
  }

  static TrainingFeatures build(
      TrainingExamples examples,
      TrainingWindows tokenizer,
      Objective objective,
      int distractorCount,
      Distractors distractors,
      Progress progress) {
    List<TrainingWindows.Labelled> windows = new ArrayList<>();
    List<int[]> groups = new ArrayList<>();
    List<TrainingExamples.Example> all = examples.examples();
    for (int e = 0; e < all.size(); e++) {
      TrainingExamples.Example example = all.get(e);
      List<TrainingWindows.Labelled> own =
          tokenizer.label(example.question(), example.context(), example.answerStart(), example.answerEnd());
      if (objective == Objective.SPAN) {
        for (TrainingWindows.Labelled window : own) {
          groups.add(new int[] {windows.size()});
          windows.add(window);
        }
      } else {
        List<TrainingWindows.Labelled> group = new ArrayList<>(own);
        List<String> paragraphs = examples.articles().get(example.article());
        for (int p : distractors.pick(example, distractorCount)) {
          group.addAll(tokenizer.label(example.question(), paragraphs.get(p), -1, -1));
        }
        int[] indexes = new int[group.size()];
        for (int i = 0; i < indexes.length; i++) {
          indexes[i] = windows.size();
          windows.add(group.get(i));
        }
        groups.add(indexes);
      }
      progress.examplesDone(e + 1, all.size());
    }
    return new TrainingFeatures(List.copyOf(windows), List.copyOf(groups));
  }

  /** Windows that hold their question's answer. */
  long answerWindows() {
    return windows.stream().filter(TrainingWindows.Labelled::holdsAnswer).count();
  }

  /** Rows of the longest window of a group. */
  int longest(int group) {
    int longest = 0;
    for (int w : groups.get(group)) {
      longest = Math.max(longest, windows.get(w).length());
    }
    return longest;
  }
}
