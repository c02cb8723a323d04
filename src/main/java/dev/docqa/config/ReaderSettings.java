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
 */
public record ReaderSettings(
    String model, int maxSeqLength, int docStride, int maxAnswerLength, int maxBatchSize, int intraOpThreads) {

  /** The project's own small random-weight model: offline stand-in until a trained reader is configured. */
  public static final String DEFAULT_MODEL = "classpath:models/tiny-qa";

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
