package dev.docqa.ingestion;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.docqa.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link SpanTokenizer} over a Hugging Face {@code tokenizer.json} (DJL's Rust tokenizers), with the file's own
 * truncation and padding switched off so a long sentence yields all its tokens. Spans count code points, as the
 * Rust library reports them.
 *
 * <p>Thread-safe. Holds native memory: open once, share, and {@link #close()} when done.
 */
public final class HuggingFaceSpanTokenizer implements SpanTokenizer, AutoCloseable {

  private static final Map<String, String> NO_SPECIALS_NO_TRUNCATION =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;

  private HuggingFaceSpanTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Loads a {@code tokenizer.json} file. */
  public static HuggingFaceSpanTokenizer open(Path tokenizerJson) {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    try {
      return new HuggingFaceSpanTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, NO_SPECIALS_NO_TRUNCATION));
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  /** Loads {@code tokenizer.json} content from a stream (e.g. a classpath resource); the stream is not closed. */
  public static HuggingFaceSpanTokenizer open(InputStream tokenizerJson, String description) {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    try {
      return new HuggingFaceSpanTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, NO_SPECIALS_NO_TRUNCATION));
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot load tokenizer " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int[][] tokenSpans(List<String> texts) {
    if (texts.isEmpty()) {
      return new int[0][];
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int[][] result = new int[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      CharSpan[] spans = encodings[i].getCharTokenSpans();
      int[] flat = new int[spans.length * 2];
      int n = 0;
      for (CharSpan span : spans) {
        // Only special tokens lack a span, and none are added; skip defensively rather than invent offsets.
        if (span != null) {
          flat[n++] = span.getStart();
          flat[n++] = span.getEnd();
        }
      }
      result[i] = n == flat.length ? flat : java.util.Arrays.copyOf(flat, n);
    }
    return result;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
