package dev.docqa.config;

/**
 * How the extractive reader is loaded and run.
 *
 * @param model model location: a local directory, {@code s3://bucket/prefix}, or a DJL model-zoo URL ({@code djl://...})
 * @param maxSeqLength tokens per window, question included (capped by the model's max positions)
 * @param docStride tokens of overlap between consecutive windows of one context
 * @param maxAnswerLength longest answer span, in tokens
 * @param maxBatchSize most windows in one forward pass
 * @param intraOpThreads PyTorch intra-op threads; 0 leaves the engine default
 * @param noAnswer whether "no answer" is a possible outcome (SQuAD 2.0 rule; for readers trained with negatives)
 * @param nullThreshold "no answer" when the null score beats the best span by more than this; {@code null}: the
 *     threshold calibrated for the model ({@code docqa.nullThreshold} in its serving.properties), else 0
 */
public record ReaderSettings(
    String model,
    int maxSeqLength,
    int docStride,
    int maxAnswerLength,
    int maxBatchSize,
    int intraOpThreads,
    boolean noAnswer,
    Double nullThreshold) {

  /**
   * The project's own reader: all-MiniLM-L6-v2 fine-tuned on SQuAD v1.1 by {@code docqa train} (recipe and scores in
   * the folder's serving.properties and in src/site/markdown/training.md). It ships inside the jar, so docqa answers
   * offline out of the box.
   */
  public static final String DEFAULT_MODEL = "classpath:models/minilm-squad";

  public ReaderSettings {
    requirePositive("maxSeqLength", maxSeqLength);
    requirePositive("maxAnswerLength", maxAnswerLength);
    requirePositive("maxBatchSize", maxBatchSize);
    if (docStride < 0 || docStride >= maxSeqLength) {
      throw new IllegalArgumentException(
          "docStride must be in [0, maxSeqLength); docStride=" + docStride + ", maxSeqLength=" + maxSeqLength);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0; intraOpThreads=" + intraOpThreads);
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("reader model location must be set");
    }
    if (nullThreshold != null && !Double.isFinite(nullThreshold)) {
      throw new IllegalArgumentException("nullThreshold must be a finite number; nullThreshold=" + nullThreshold);
    }
  }

  /** Settings that never answer "no answer" (the rule off, as the pipeline's default). */
  public ReaderSettings(
      String model, int maxSeqLength, int docStride, int maxAnswerLength, int maxBatchSize, int intraOpThreads) {
    this(model, maxSeqLength, docStride, maxAnswerLength, maxBatchSize, intraOpThreads, false, null);
  }

  public ReaderSettings withModel(String value) {
    return new ReaderSettings(value, maxSeqLength, docStride, maxAnswerLength, maxBatchSize, intraOpThreads, noAnswer,
        nullThreshold);
  }

  /** These settings with the no-answer rule on or off, at {@code threshold} ({@code null}: the model's). */
  public ReaderSettings withNoAnswer(boolean value, Double threshold) {
    return new ReaderSettings(model, maxSeqLength, docStride, maxAnswerLength, maxBatchSize, intraOpThreads, value,
        threshold);
  }

  public static ReaderSettings defaults() {
    // 4 windows per pass: on CPU a bigger batch is slower per token (activations outgrow the caches; distilbert-base,
    // 2 cores: 1,300-1,500 tokens/s at 1-4 windows, 950-1,050 at 16, see `docqa bench`). Raise it on a GPU.
    return new ReaderSettings(DEFAULT_MODEL, 384, 128, 15, 4, 0);
  }

  static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive; " + name + "=" + value);
    }
  }
}
