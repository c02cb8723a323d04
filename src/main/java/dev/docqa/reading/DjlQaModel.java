package dev.docqa.reading;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.docqa.ModelLoadException;
import dev.docqa.models.ModelDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A TorchScript QA model run by DJL's PyTorch engine. Loaded once; thread-safe through a pool of predictors (a DJL
 * {@link Predictor} is not thread-safe), grown on demand to the number of concurrent callers and closed with the model.
 */
final class DjlQaModel implements QaModel {

  private final ModelDirectory directory;
  private final ZooModel<NDList, NDList> model;
  private final ConcurrentLinkedQueue<Predictor<NDList, NDList>> idle = new ConcurrentLinkedQueue<>();
  private final List<Predictor<NDList, NDList>> all = new ArrayList<>();

  private DjlQaModel(ModelDirectory directory, ZooModel<NDList, NDList> model) {
    this.directory = directory;
    this.model = model;
  }

  /**
   * Loads the model.
   *
   * @param intraOpThreads PyTorch intra-op threads, process-wide (libtorch has one setting); 0 keeps the default
   */
  static DjlQaModel load(ModelDirectory directory, int intraOpThreads) {
    if (intraOpThreads > 0) {
      try {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(intraOpThreads);
      } catch (EngineException e) {
        throw new ModelLoadException("cannot load TorchScript model " + directory.modelFile() + ": " + e.getMessage(),
            e);
      }
    }
    return new DjlQaModel(directory, directory.loadTorchScript());
  }

  @Override
  public Logits forward(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
    int batch = inputIds.length;
    int length = inputIds[0].length;
    Shape shape = new Shape(batch, length);
    // TorchScript's profiling executor re-optimizes for every new input shape, and windows come in many lengths:
    // without this, each new batch shape costs a recompilation. The setting is per thread in libtorch.
    JniUtils.setGraphExecutorOptimize(false);
    Predictor<NDList, NDList> predictor = borrow();
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList inputs =
          new NDList(manager.create(flatten(inputIds), shape), manager.create(flatten(attentionMask), shape));
      if (directory.includeTokenTypes()) {
        inputs.add(manager.create(flatten(tokenTypeIds), shape));
      }
      NDList outputs = predictor.predict(inputs);
      outputs.attach(manager); // freed with the inputs, whichever manager the engine gave them
      if (outputs.size() < 2) {
        throw new ModelOutputException(
            "model " + directory.modelFile() + " returned " + outputs.size()
                + " output(s); a QA model returns (start_logits, end_logits)");
      }
      return new Logits(
          matrix(outputs.get(0), "start_logits", batch, length), matrix(outputs.get(1), "end_logits", batch, length));
    } catch (TranslateException | EngineException e) {
      throw new ModelOutputException(
          "forward pass of " + directory.modelFile() + " failed on a batch of shape " + shape + ": " + e.getMessage(),
          e);
    } finally {
      idle.add(predictor);
    }
  }

  private float[][] matrix(NDArray array, String name, int batch, int length) {
    if (!array.getShape().equals(new Shape(batch, length))) {
      throw new ModelOutputException(
          "model " + directory.modelFile() + " returned " + name + " of shape " + array.getShape() + "; expected ("
              + batch + ", " + length + ")");
    }
    NDArray floats = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    float[] flat = floats.toFloatArray();
    float[][] rows = new float[batch][];
    for (int b = 0; b < batch; b++) {
      rows[b] = Arrays.copyOfRange(flat, b * length, (b + 1) * length);
    }
    return rows;
  }

  private Predictor<NDList, NDList> borrow() {
    Predictor<NDList, NDList> predictor = idle.poll();
    if (predictor != null) {
      return predictor;
    }
    synchronized (all) {
      predictor = model.newPredictor();
      all.add(predictor);
      return predictor;
    }
  }

  private static long[] flatten(long[][] rows) {
    int length = rows[0].length;
    long[] flat = new long[rows.length * length];
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, flat, b * length, length);
    }
    return flat;
  }

  @Override
  public void close() {
    synchronized (all) {
      all.forEach(Predictor::close);
      all.clear();
      idle.clear();
    }
    model.close();
  }
}
