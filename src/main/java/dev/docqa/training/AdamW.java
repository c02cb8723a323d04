package dev.docqa.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) over a model's parameters, as {@code torch.optim.AdamW}: decoupled weight decay, bias
 * correction, epsilon outside the square root. Decay applies to weight matrices only, never to biases and LayerNorm
 * gains (the one-dimensional parameters), as the Hugging Face recipe does. Gradients are clipped to a global L2 norm
 * first.
 *
 * <p>Written here rather than taken from DJL because DJL's {@code Optimizer.adamW} decays every parameter, clips
 * element-wise, and keeps its moments where a checkpoint cannot reach them; these moments are saved and restored, so a
 * resumed run continues exactly. Not thread-safe.
 */
final class AdamW implements AutoCloseable {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final List<Pair<String, Parameter>> parameters;
  private final double weightDecay;
  private final NDManager manager;
  private final NDArray[] first;
  private final NDArray[] second;
  private long steps;

  AdamW(PairList<String, Parameter> parameters, double weightDecay, NDManager parent) {
    this.parameters = new ArrayList<>();
    parameters.forEach(pair -> {
      if (pair.getValue().requiresGradient()) {
        this.parameters.add(pair);
      }
    });
    this.weightDecay = weightDecay;
    this.manager = parent.newSubManager();
    this.first = new NDArray[this.parameters.size()];
    this.second = new NDArray[this.parameters.size()];
    for (int i = 0; i < this.parameters.size(); i++) {
      NDArray weight = this.parameters.get(i).getValue().getArray();
      first[i] = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
      second[i] = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
    }
  }

  /** Updates taken so far (restored by {@link #load}). */
  long steps() {
    return steps;
  }

  /**
   * Clips the gradients to {@code maxNorm}, takes one step at {@code learningRate}, and zeroes the gradients.
   *
   * @param scope a manager for this step's temporaries
   * @return the gradients' global L2 norm before clipping
   */
  double step(double learningRate, double maxNorm, NDManager scope) {
    // In-place updates of parameters need gradient recording off on this thread (libtorch's mode is per thread and
    // may have been left on by whatever ran here before); restore what was there.
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return update(learningRate, maxNorm, scope);
    } finally {
      JniUtils.setGradMode(recording);
    }
  }

  private double update(double learningRate, double maxNorm, NDManager scope) {
    NDArray[] gradients = new NDArray[parameters.size()];
    double squares = 0;
    for (int i = 0; i < gradients.length; i++) {
      gradients[i] = parameters.get(i).getValue().getArray().getGradient();
      gradients[i].attach(scope);
      squares += gradients[i].square().sum().toType(DataType.FLOAT64, false).getDouble();
    }
    double norm = Math.sqrt(squares);
    double clip = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
    steps++;
    double correction1 = 1 - Math.pow(BETA1, steps);
    double correction2 = 1 - Math.pow(BETA2, steps);
    for (int i = 0; i < gradients.length; i++) {
      NDArray weight = parameters.get(i).getValue().getArray();
      NDArray gradient = clip < 1.0 ? gradients[i].mul(clip) : gradients[i];
      first[i].muli(BETA1).addi(gradient.mul(1 - BETA1));
      second[i].muli(BETA2).addi(gradient.square().muli(1 - BETA2));
      // Temporaries derived from the moments would live on the optimizer's manager: move them to the step's scope.
      NDArray secondCorrected = second[i].div(correction2);
      secondCorrected.attach(scope);
      NDArray update = first[i].div(correction1);
      update.attach(scope);
      update.divi(secondCorrected.sqrt().addi(EPSILON));
      if (weightDecay > 0 && weight.getShape().dimension() > 1) {
        weight.muli(1 - learningRate * weightDecay);
      }
      weight.subi(update.muli(learningRate));
      gradients[i].muli(0);
    }
    return norm;
  }

  /** Writes the step count and both moments. */
  void save(OutputStream out) throws IOException {
    NDList state = new NDList();
    state.add(manager.create(new long[] {steps}));
    for (int i = 0; i < first.length; i++) {
      state.add(first[i]);
      state.add(second[i]);
    }
    state.encode(out);
  }

  /**
   * Restores what {@link #save} wrote for the same model.
   *
   * @throws IOException when the state does not fit this model's parameters
   */
  void load(InputStream in) throws IOException {
    try (NDManager scratch = manager.newSubManager()) {
      NDList state = NDList.decode(scratch, in);
      if (state.size() != 1 + 2 * first.length) {
        throw new IOException(
            "optimizer state holds " + state.size() + " arrays; this model needs " + (1 + 2 * first.length));
      }
      for (int i = 0; i < first.length; i++) {
        NDArray m = state.get(1 + 2 * i);
        NDArray v = state.get(2 + 2 * i);
        if (!m.getShape().equals(first[i].getShape()) || !v.getShape().equals(second[i].getShape())) {
          throw new IOException("optimizer state does not fit parameter " + parameters.get(i).getKey());
        }
        first[i].set(m.toDevice(first[i].getDevice(), false).toByteBuffer());
        second[i].set(v.toDevice(second[i].getDevice(), false).toByteBuffer());
      }
      steps = state.get(0).getLong();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
