package dev.docqa.reading;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.docqa.InvalidInputException;
import dev.docqa.ModelLoadException;
import dev.docqa.document.Passage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts (question, passage) pairs into stride windows exactly as the Hugging Face pipeline's fast path does: the
 * tokenizer's own pair encoding with {@code only_second} truncation to {@code maxSeqLength}, {@code docStride} tokens
 * of overlap between consecutive windows, windows = the encoding followed by its overflowing encodings.
 *
 * <p>Thread-safe (Hugging Face tokenizers are). The stride must stay below the room a question leaves for context,
 * or the tokenizer aborts; a longer question therefore gets a smaller stride (room - 1), from a tokenizer built for
 * that stride and kept for reuse.
 */
final class Windower implements AutoCloseable {

  private final Path tokenizerFile;
  private final int maxSeqLength;
  private final int docStride;
  private final Map<Integer, HuggingFaceTokenizer> byStride = new ConcurrentHashMap<>();
  /** Counts a question's tokens: the windowing tokenizers truncate, and abort on a lone sequence longer than a window. */
  private final HuggingFaceTokenizer counter;
  private final int pairSpecialTokens;
  private final long clsId;

  private Windower(Path tokenizerFile, int maxSeqLength, int docStride) {
    this.tokenizerFile = tokenizerFile;
    this.maxSeqLength = maxSeqLength;
    this.docStride = docStride;
    try {
      this.counter = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerFile)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot load tokenizer " + tokenizerFile + ": " + e.getMessage(), e);
    }
    HuggingFaceTokenizer tokenizer = tokenizer(docStride);
    Encoding pair = tokenizer.encode("a", "b");
    long[] specialMask = pair.getSpecialTokenMask();
    int special = 0;
    for (long bit : specialMask) {
      special += (int) bit;
    }
    this.pairSpecialTokens = special;
    this.clsId = specialMask.length > 0 && specialMask[0] == 1 ? pair.getIds()[0] : -1;
  }

  /** Loads the tokenizer; {@code maxSeqLength} must already be capped by the model's positions. */
  static Windower open(Path tokenizerFile, int maxSeqLength, int docStride) {
    Windower windower = new Windower(tokenizerFile, maxSeqLength, docStride);
    if (maxSeqLength <= windower.pairSpecialTokens) {
      windower.close();
      throw new ModelLoadException(
          "maxSeqLength " + maxSeqLength + " leaves no room next to " + windower.pairSpecialTokens + " special tokens");
    }
    return windower;
  }

  int maxSeqLength() {
    return maxSeqLength;
  }

  /** The windows of every passage, passage by passage, each in context order. */
  List<Window> windows(int request, String question, List<Passage> passages) {
    int questionTokens = counter.encode(question, false, false).getIds().length;
    int room = maxSeqLength - questionTokens - pairSpecialTokens;
    if (room < 1) {
      throw new InvalidInputException(
          "question too long: " + questionTokens + " tokens plus " + pairSpecialTokens
              + " special tokens leave no room for context in a window of maxSeqLength=" + maxSeqLength + " tokens");
    }
    HuggingFaceTokenizer tokenizer = tokenizer(Math.min(docStride, room - 1));
    List<Window> windows = new ArrayList<>();
    for (int p = 0; p < passages.size(); p++) {
      Encoding encoding = tokenizer.encode(question, passages.get(p).text());
      windows.add(window(request, p, encoding));
      for (Encoding overflow : encoding.getOverflowing()) {
        windows.add(window(request, p, overflow));
      }
    }
    return windows;
  }

  private Window window(int request, int passage, Encoding encoding) {
    long[] ids = encoding.getIds();
    long[] sequenceIds = encoding.getSequenceIds();
    long[] words = encoding.getWordIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int n = ids.length;
    boolean[] context = new boolean[n];
    boolean[] cls = new boolean[n];
    int[] charStart = new int[n];
    int[] charEnd = new int[n];
    int[] wordIds = new int[n];
    for (int i = 0; i < n; i++) {
      cls[i] = clsId >= 0 && ids[i] == clsId;
      context[i] = sequenceIds[i] == 1 && spans[i] != null;
      charStart[i] = context[i] ? spans[i].getStart() : -1;
      charEnd[i] = context[i] ? spans[i].getEnd() : -1;
      wordIds[i] = context[i] ? (int) words[i] : -1;
    }
    return new Window(request, passage, ids, encoding.getTypeIds(), context, cls, charStart, charEnd, wordIds);
  }

  private HuggingFaceTokenizer tokenizer(int stride) {
    return byStride.computeIfAbsent(
        stride,
        s -> {
          try {
            return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optAddSpecialTokens(true)
                .optTruncateSecondOnly()
                .optMaxLength(maxSeqLength)
                .optStride(s)
                .optWithOverflowingTokens(true)
                .optPadding(false)
                .build();
          } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load tokenizer " + tokenizerFile + ": " + e.getMessage(), e);
          }
        });
  }

  @Override
  public void close() {
    byStride.values().forEach(HuggingFaceTokenizer::close);
    byStride.clear();
    counter.close();
  }
}
