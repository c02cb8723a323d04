package dev.docqa.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.docqa.DocqaException;
import dev.docqa.models.ModelDirectory;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader's TorchScript model with nothing around it: the ceiling the reader is measured against. Inputs are built
 * before the clock starts and outputs are not copied out, so only libtorch's forward is timed. Not thread-safe.
 */
final class BareForward implements AutoCloseable {

  private static final long CLS = 101;
  private static final long FIRST_WORD_PIECE = 1_000;

  private final ModelDirectory directory;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;

  private BareForward(ModelDirectory directory, ZooModel<NDList, NDList> model) {
    this.directory = directory;
    this.model = model;
    this.predictor = model.newPredictor();
  }

  static BareForward load(ModelDirectory directory) {
    return new BareForward(directory, directory.loadTorchScript());
  }

  /**
   * Wall nanoseconds of the forward passes for batches of these row lengths (each padded to its longest row), the
   * token ids drawn from {@code corpus}'s seed: the cost does not depend on their values.
   */
  long time(List<int[]> batches, Corpus corpus) {
    // Same executor setting as the reader (per thread in libtorch): no re-optimisation per new shape.
    JniUtils.setGraphExecutorOptimize(false);
    try (NDManager manager = model.getNDManager().newSubManager()) {
      List<NDList> inputs = new ArrayList<>(batches.size());
      for (int[] lengths : batches) {
        inputs.add(inputs(manager, lengths, corpus));
      }
      long began = System.nanoTime();
      for (NDList input : inputs) {
        predictor.predict(input).close();
      }
      return System.nanoTime() - began;
    } catch (TranslateException e) {
      throw new DocqaException("bare forward of " + directory.modelFile() + " failed: " + e.getMessage(), e);
    }
  }

  private NDList inputs(NDManager manager, int[] lengths, Corpus corpus) {
    int padded = lengths[0];
    long[] ids = new long[lengths.length * padded];
    long[] mask = new long[ids.length];
    for (int row = 0; row < lengths.length; row++) {
      for (int i = 0; i < lengths[row]; i++) {
        ids[row * padded + i] = i == 0 ? CLS : FIRST_WORD_PIECE + corpus.random().nextInt(20_000);
        mask[row * padded + i] = 1;
      }
    }
    Shape shape = new Shape(lengths.length, padded);
    NDList list = new NDList(manager.create(ids, shape), manager.create(mask, shape));
    if (directory.includeTokenTypes()) {
      list.add(manager.zeros(shape, DataType.INT64));
    }
    return list;
  }

  @Override
  public void close() {
    try {
      predictor.close();
    } finally {
      model.close();
    }
  }
}
