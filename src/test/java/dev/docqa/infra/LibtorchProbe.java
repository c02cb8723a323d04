package dev.docqa.infra;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Child-process entry point for {@link PrebuiltLibtorchIT}: loads the PyTorch engine the way the Lambda image does
 * (environment only) and prints where libtorch came from and the result of one tensor operation.
 */
public final class LibtorchProbe {

  private LibtorchProbe() {}

  public static void main(String[] args) {
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      NDArray sum = manager.arange(1f, 5f).sum();
      System.out.println("version=" + engine.getVersion());
      System.out.println("libtorch=" + LibUtils.getLibtorchPath());
      System.out.println("sum=" + sum.getFloat());
    }
  }
}
