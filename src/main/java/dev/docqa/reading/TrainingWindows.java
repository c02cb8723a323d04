package dev.docqa.reading;

import dev.docqa.document.Passage;
import dev.docqa.models.ModelDirectory;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader's own windows of a (question, context) pair, labelled with the answer's start and end tokens for
 * training. Built by the same {@link Windower} that reads, so training and inference cannot drift apart.
 *
 * <p>Labels follow the Hugging Face training recipe: a window that holds the whole answer targets the first token
 * whose span covers the answer's first character and the last token whose span covers its last one; a window that
 * lacks the answer, and an unanswerable question, target the {@code [CLS]} position (0).
 *
 * <p>Thread-safe; {@link #close()} frees the tokenizers.
 */
public final class TrainingWindows implements AutoCloseable {

  /** The token position trained on for "no answer here". */
  public static final int CLS = 0;

  private final Windower windower;

  private TrainingWindows(Windower windower) {
    this.windower = windower;
  }

  /**
   * Loads the model's tokenizer; the window length is capped by the model's position table as the reader caps it.
   *
   * @throws dev.docqa.ModelLoadException when the tokenizer cannot be loaded
   */
  public static TrainingWindows open(ModelDirectory model, int maxSeqLength, int docStride) {
    int capped = Math.min(maxSeqLength, model.maxSequenceLength().orElse(maxSeqLength));
    return new TrainingWindows(Windower.open(model.tokenizerFile(), capped, docStride));
  }

  public int maxSeqLength() {
    return windower.maxSeqLength();
  }

  /**
   * One labelled window.
   *
   * @param ids token ids
   * @param typeIds segment ids
   * @param start target start token ({@link #CLS} when the window lacks the answer)
   * @param end target end token ({@link #CLS} when the window lacks the answer)
   * @param charStart code-point offset in the context where each context token starts, else -1
   * @param charEnd code-point offset (exclusive) where each context token ends, else -1
   */
  public record Labelled(int[] ids, int[] typeIds, int start, int end, int[] charStart, int[] charEnd) {

    public int length() {
      return ids.length;
    }

    public boolean holdsAnswer() {
      return start != CLS;
    }
  }

  /**
   * Windows of {@code context} for {@code question}, each labelled.
   *
   * @param answerStart code-point offset of the answer in the context, or -1 for "no answer"
   * @param answerEnd code-point offset (exclusive) of the answer's end; ignored when {@code answerStart} is -1
   * @throws dev.docqa.InvalidInputException when the question leaves no room for context in a window
   */
  public List<Labelled> label(String question, String context, int answerStart, int answerEnd) {
    if (answerStart >= 0 && answerEnd <= answerStart) {
      throw new IllegalArgumentException(
          "answer span must be non-empty; answerStart=" + answerStart + ", answerEnd=" + answerEnd);
    }
    List<Window> windows = windower.windows(0, question, List.of(Passage.ofText("training", context)));
    List<Labelled> labelled = new ArrayList<>(windows.size());
    for (Window window : windows) {
      labelled.add(label(window, answerStart, answerEnd));
    }
    return labelled;
  }

  private static Labelled label(Window window, int answerStart, int answerEnd) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < window.length(); i++) {
      if (window.context()[i]) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    int start = CLS;
    int end = CLS;
    if (answerStart >= 0
        && first >= 0
        && window.charStart()[first] <= answerStart
        && window.charEnd()[last] >= answerEnd) {
      start = first;
      for (int i = first; i <= last; i++) {
        if (window.context()[i] && window.charStart()[i] <= answerStart) {
          start = i;
        }
      }
      end = last;
      for (int i = last; i >= start; i--) {
        if (window.context()[i] && window.charEnd()[i] >= answerEnd) {
          end = i;
        }
      }
    }
    return new Labelled(
        toInts(window.ids()), toInts(window.typeIds()), start, end, window.charStart(), window.charEnd());
  }

  private static int[] toInts(long[] values) {
    int[] ints = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      ints[i] = (int) values[i];
    }
    return ints;
  }

  @Override
  public void close() {
    windower.close();
  }
}
