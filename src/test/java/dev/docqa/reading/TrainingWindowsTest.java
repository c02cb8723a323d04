package dev.docqa.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.models.ModelDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Label oracle for training windows: over hundreds of seeded cases (accents, emoji, CJK, CRLF, answers at window edges,
 * contexts of many windows, both token-type layouts), every window's labelled token span decodes back to exactly the
 * answer text when the window holds the whole answer, and is {@code [CLS]} when it does not; the windows are the
 * reader's own (same count and ids as {@link Windower} makes for reading).
 */
class TrainingWindowsTest {

  private static final long SEED = 20261202L;

  @TempDir Path cache;

  @ParameterizedTest(name = "{0}, maxSeqLength={1}, stride={2}")
  @CsvSource({
    "tiny-qa, 48, 16",
    "tiny-qa, 384, 128",
    "tiny-qa-notype, 40, 12",
  })
  void everyLabelDecodesToTheAnswerOrIsCls(String model, int maxSeqLength, int stride) {
    ModelDirectory directory = model.equals("tiny-qa")
        ? TinyModels.resolve(TinyModels.WITH_TYPES, cache)
        : ModelDirectory.read(TinyModels.testModel(model));
    Random random = new Random(SEED + maxSeqLength);
    int holding = 0;
    int cls = 0;
    int edges = 0;
    try (TrainingWindows training = TrainingWindows.open(directory, maxSeqLength, stride);
        Windower reading = Windower.open(directory.tokenizerFile(), maxSeqLength, stride)) {
      for (int c = 0; c < 300; c++) {
        List<String> words = new ArrayList<>();
        List<String> separators = new ArrayList<>();
        int count = c % 3 == 0 ? maxSeqLength + random.nextInt(maxSeqLength) : 2 + random.nextInt(maxSeqLength / 2);
        String context = context(random, words, separators, count);
        int from = random.nextInt(words.size());
        int to = Math.min(words.size(), from + 1 + random.nextInt(4));
        int start = codePoints(join(words, separators, 0, from)) + (from == 0 ? 0 : codePoints(separators.get(from - 1)));
        String answer = join(words, separators, from, to);
        int end = start + codePoints(answer);
        String question = RandomTexts.question(random);
        String label = "case " + c + ": answer=\"" + answer + "\" at " + start + " in \"" + context + "\"";
        assertEquals(answer, slice(context, start, end), label);

        List<TrainingWindows.Labelled> windows = training.label(question, context, start, end);
        List<Window> read = reading.windows(0, question, List.of(RandomTexts.asPassage("d", 0, context)));
        assertEquals(read.size(), windows.size(), label);
        boolean anyHolds = false;
        for (int w = 0; w < windows.size(); w++) {
          TrainingWindows.Labelled window = windows.get(w);
          assertEquals(toInts(read.get(w).ids()).toString(), toInts(window.ids()).toString(), label);
          boolean covers = covers(window, start, end);
          if (window.holdsAnswer()) {
            assertTrue(covers, label);
            assertTrue(window.start() <= window.end(), label);
            assertEquals(answer, slice(context, window.charStart()[window.start()], window.charEnd()[window.end()]),
                label + ", window " + w);
            holding++;
            edges += isContextEdge(window, window.start()) || isContextEdge(window, window.end()) ? 1 : 0;
          } else {
            assertEquals(TrainingWindows.CLS, window.end(), label);
            assertTrue(!covers, label + ", window " + w + " covers the answer but is labelled [CLS]");
            cls++;
          }
          anyHolds |= window.holdsAnswer();
        }
        assertTrue(anyHolds || answerLongerThanAWindow(windows, start, end), label + ": no window holds it");
        List<TrainingWindows.Labelled> unanswerable = training.label(question, context, -1, -1);
        assertTrue(unanswerable.stream().noneMatch(TrainingWindows.Labelled::holdsAnswer), label);
      }
    }
    assertTrue(holding >= 300, "windows holding the answer: " + holding);
    assertTrue(cls > 50, "windows without the answer: " + cls);
    assertTrue(edges > 10, "answers at a window's context edge: " + edges);
  }

  /** Words from {@link RandomTexts} whose tokens cover every character they hold, with its separators. */
  private static String context(Random random, List<String> words, List<String> separators, int count) {
    String text = RandomTexts.words(random, count);
    // Split back on the separators RandomTexts uses: runs of whitespace or ", " / ". ".
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:[,.]?[\\s\\u00A0\\u3000]+)").matcher(text);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        words.add(text.substring(last, m.start()));
        separators.add(m.group());
      } else if (!separators.isEmpty()) {
        separators.set(separators.size() - 1, separators.getLast() + m.group());
      }
      last = m.end();
    }
    words.add(text.substring(last));
    // Words the tokenizer only partly covers (a trailing combining mark or zero-width space) cannot decode exactly.
    for (int i = 0; i < words.size(); i++) {
      words.set(i, words.get(i).replace("e\u0301", "e").replace("\u200B", ""));
    }
    return join(words, separators, 0, words.size());
  }

  private static String join(List<String> words, List<String> separators, int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      text.append(words.get(i));
      if (i + 1 < to) {
        text.append(separators.get(i));
      }
    }
    return text.toString();
  }

  private static boolean covers(TrainingWindows.Labelled window, int start, int end) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < window.length(); i++) {
      if (window.charStart()[i] >= 0) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    return first >= 0 && window.charStart()[first] <= start && window.charEnd()[last] >= end;
  }

  private static boolean isContextEdge(TrainingWindows.Labelled window, int token) {
    return token + 1 >= window.length() || window.charStart()[token + 1] < 0 || window.charStart()[token - 1] < 0;
  }

  private static boolean answerLongerThanAWindow(List<TrainingWindows.Labelled> windows, int start, int end) {
    return windows.size() > 1 && windows.stream().noneMatch(w -> covers(w, start, end));
  }

  private static String slice(String text, int start, int end) {
    int from = text.offsetByCodePoints(0, start);
    return text.substring(from, text.offsetByCodePoints(from, end - start));
  }

  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }

  private static List<Integer> toInts(long[] values) {
    List<Integer> ints = new ArrayList<>();
    for (long v : values) {
      ints.add((int) v);
    }
    return ints;
  }

  private static List<Integer> toInts(int[] values) {
    List<Integer> ints = new ArrayList<>();
    for (int v : values) {
      ints.add(v);
    }
    return ints;
  }
}
