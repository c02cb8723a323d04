package dev.docqa.embedding;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import dev.docqa.DocqaException;
import dev.docqa.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A bi-encoder run by DJL (ONNX Runtime or PyTorch): tokenise, forward, attention-masked mean pooling, L2 norm.
 *
 * <p>Thread-safe: the model and tokenizer are shared, each call takes its own short-lived {@link Predictor} (DJL
 * predictors are not thread-safe). Texts are sorted by length before batching so that each batch, padded to its
 * longest text, wastes little. {@link #close()} frees the native model and tokenizer, then runs the owner's cleanup.
 */
final class DjlEmbedder implements Embedder {

  private static final List<String> INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

  private final String location;
  private final ZooModel<NDList, NDList> model;
  private final HuggingFaceTokenizer tokenizer;
  private final EmbeddingTranslator translator;
  private final int batchSize;
  private final int dimension;
  private final Runnable cleanup;

  private DjlEmbedder(
      String location,
      ZooModel<NDList, NDList> model,
      HuggingFaceTokenizer tokenizer,
      EmbeddingTranslator translator,
      int batchSize,
      Runnable cleanup) {
    this.location = location;
    this.model = model;
    this.tokenizer = tokenizer;
    this.translator = translator;
    this.batchSize = batchSize;
    this.cleanup = cleanup;
    this.dimension = forward(new String[] {"dimension probe"})[0].length;
  }

  /**
   * Loads {@code modelName} (file name without extension) from {@code modelDir} with the named DJL engine.
   *
   * @param location where the model came from, for messages
   * @param maxLength tokens per text after truncation (specials included)
   * @param includeTokenTypes whether {@code forward()} takes token type ids; only used when the engine cannot describe
   *     the model's inputs (TorchScript)
   * @param cleanup runs after close, also when loading fails (e.g. deletes a temporary copy of the model)
   */
  static DjlEmbedder load(
      String location,
      Path modelDir,
      String modelName,
      String engine,
      Path tokenizerFile,
      int maxLength,
      boolean includeTokenTypes,
      int batchSize,
      Runnable cleanup) {
    boolean success = false;
    HuggingFaceTokenizer tokenizer = null;
    ZooModel<NDList, NDList> model = null;
    try {
      // Override whatever truncation/padding the tokenizer.json carries: truncate to the model's length, pad per batch.
      tokenizer = HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizerFile)
          .optAddSpecialTokens(true)
          .optTruncation(true)
          .optMaxLength(maxLength)
          .optPadding(true)
          .build();
      model = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelPath(modelDir)
          .optModelName(modelName)
          .optEngine(engine)
          .optOption("mapLocation", "true")
          .build()
          .loadModel();
      List<String> inputs = inputNames(model, includeTokenTypes);
      DjlEmbedder embedder = new DjlEmbedder(
          location, model, tokenizer, new EmbeddingTranslator(tokenizer, inputs), batchSize, cleanup);
      success = true;
      return embedder;
    } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
      throw new ModelLoadException("cannot load embedder; location=" + location + ": " + e.getMessage(), e);
    } finally {
      if (!success) {
        if (model != null) {
          model.close();
        }
        if (tokenizer != null) {
          tokenizer.close();
        }
        cleanup.run();
      }
    }
  }

  private static List<String> inputNames(ZooModel<NDList, NDList> model, boolean includeTokenTypes) {
    PairList<String, ?> described = model.describeInput();
    if (described == null || described.isEmpty() || !INPUTS.containsAll(described.keys())) {
      // TorchScript has no input names: forward(input_ids, attention_mask[, token_type_ids]).
      return includeTokenTypes ? INPUTS : INPUTS.subList(0, 2);
    }
    return described.keys();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public List<float[]> embedPassages(List<String> texts) {
    String[] all = texts.toArray(String[]::new);
    for (int i = 0; i < all.length; i++) {
      Objects.requireNonNull(all[i], () -> "texts must not contain null");
    }
    Integer[] order = new Integer[all.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> all[i].length()));
    float[][] vectors = new float[all.length][];
    for (int from = 0; from < all.length; from += batchSize) {
      int to = Math.min(all.length, from + batchSize);
      String[] batch = new String[to - from];
      for (int i = from; i < to; i++) {
        batch[i - from] = all[order[i]];
      }
      float[][] embedded = forward(batch);
      for (int i = from; i < to; i++) {
        vectors[order[i]] = embedded[i - from];
      }
    }
    return Arrays.asList(vectors);
  }

  @Override
  public float[] embedQuery(String question) {
    Objects.requireNonNull(question, "question");
    return forward(new String[] {question})[0];
  }

  private float[][] forward(String[] batch) {
    try (Predictor<String[], float[][]> predictor = model.newPredictor(translator, model.getNDManager().getDevice())) {
      return predictor.predict(batch);
    } catch (TranslateException e) {
      throw new DocqaException("embedding failed; model=" + location + ", texts=" + batch.length, e);
    }
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      try {
        tokenizer.close();
      } finally {
        cleanup.run();
      }
    }
  }

  @Override
  public String toString() {
    return "DjlEmbedder[model=" + location + ", engine=" + model.getNDManager().getEngine().getEngineName()
        + ", dimension=" + dimension + ", batchSize=" + batchSize + "]";
  }
}
