package dev.docqa.config;

/**
 * The sentence-embedding model used for dense retrieval.
 *
 * @param model {@code builtin:all-minilm-l6-v2} (the ONNX model shipped on Maven Central), a local TorchScript/ONNX
 *     directory, or {@code s3://bucket/prefix}
 * @param batchSize most texts in one forward pass
 */
public record EmbedderSettings(String model, int batchSize) {

  public static final String DEFAULT_MODEL = "builtin:all-minilm-l6-v2";

  public EmbedderSettings {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("embedder model location must be set");
    }
    ReaderSettings.requirePositive("batchSize", batchSize);
  }

  public static EmbedderSettings defaults() {
    return new EmbedderSettings(DEFAULT_MODEL, 32);
  }
}
