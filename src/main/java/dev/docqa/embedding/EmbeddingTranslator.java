package dev.docqa.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * One batch of texts in, one L2-normalised mean-pooled vector per text out.
 *
 * <p>The tokenizer pads each batch to its longest text only. Pooling runs on plain Java arrays rather than NDArray ops:
 * ONNX Runtime NDArrays delegate such ops to the PyTorch engine, and the built-in embedder should not need libtorch.
 * Stateless apart from the tokenizer (thread-safe), so one instance serves all predictors.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<String[], float[][]> {

  private static final String MASK = "attention_mask";

  private final HuggingFaceTokenizer tokenizer;
  private final List<String> inputNames;

  /**
   * @param inputNames model inputs in {@code forward()} order, each one of {@code input_ids}, {@code attention_mask},
   *     {@code token_type_ids}
   */
  EmbeddingTranslator(HuggingFaceTokenizer tokenizer, List<String> inputNames) {
    this.tokenizer = tokenizer;
    this.inputNames = List.copyOf(inputNames);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String[] texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    ctx.setAttachment(MASK, encodings);
    NDManager manager = ctx.getNDManager();
    int rows = encodings.length;
    int cols = encodings[0].getIds().length;
    NDList inputs = new NDList(inputNames.size());
    for (String name : inputNames) {
      long[] flat = new long[rows * cols];
      for (int i = 0; i < rows; i++) {
        long[] row = switch (name) {
          case "input_ids" -> encodings[i].getIds();
          case MASK -> encodings[i].getAttentionMask();
          case "token_type_ids" -> encodings[i].getTypeIds();
          default -> throw new IllegalStateException("unsupported embedder input; input=" + name);
        };
        System.arraycopy(row, 0, flat, i * cols, cols);
      }
      NDArray array = manager.create(flat, new Shape(rows, cols));
      array.setName(name);
      inputs.add(array);
    }
    return inputs;
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
    Encoding[] encodings = (Encoding[]) ctx.getAttachment(MASK);
    NDArray hidden = outputs.get(0);
    Shape shape = hidden.getShape();
    if (shape.dimension() != 3 || shape.get(0) != encodings.length) {
      throw new IllegalStateException(
          "embedder must return last_hidden_state (batch, tokens, hidden); shape=" + shape);
    }
    int tokens = (int) shape.get(1);
    int dim = (int) shape.get(2);
    float[] values = hidden.toFloatArray();
    float[][] vectors = new float[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      long[] mask = encodings[i].getAttentionMask();
      float[] sum = new float[dim];
      for (int t = 0; t < tokens; t++) {
        if (mask[t] == 0) {
          continue;
        }
        int base = (i * tokens + t) * dim;
        for (int d = 0; d < dim; d++) {
          sum[d] += values[base + d];
        }
      }
      vectors[i] = normalise(sum);
    }
    return vectors;
  }

  // Mean pooling then L2 normalisation: the division by the token count cancels out, so normalise the masked sum.
  private static float[] normalise(float[] sum) {
    double norm = 0;
    for (float v : sum) {
      norm += (double) v * v;
    }
    float scale = norm == 0 ? 0f : (float) (1.0 / Math.sqrt(norm));
    for (int d = 0; d < sum.length; d++) {
      sum[d] *= scale;
    }
    return sum;
  }
}
