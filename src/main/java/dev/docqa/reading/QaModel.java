package dev.docqa.reading;

/**
 * The reader's view of an extractive QA model: padded int64 batches in, start and end logits out. Keeps engine types
 * (DJL) out of windowing and decoding. Implementations are thread-safe.
 */
interface QaModel extends AutoCloseable {

  /**
   * One forward pass over a {@code (batch, len)} batch.
   *
   * @param tokenTypeIds segment ids; ignored by models that take none
   * @return start and end logits, each {@code [batch][len]}
   * @throws ModelOutputException when the model fails or returns outputs of the wrong number or shape
   */
  Logits forward(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds);

  @Override
  void close();

  /** Start and end logits of a batch, {@code [batch][len]} each. */
  record Logits(float[][] start, float[][] end) {}
}
